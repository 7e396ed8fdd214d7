import { InvalidInputError } from '../../domain/errors.js';

/** Why a settings change or a disconnect was refused; the pages word each in the reader's language. */
export type SettingsRefusalReason =
  | 'emoji_empty' | 'emoji_invalid' | 'community_invalid' | 'community_both' | 'too_many' | 'not_joined';

/**
 * A settings change refused before anything was written: `value` is what the
 * person typed that was wrong (shown back to them), `message` says it in
 * English for the JSON API.
 */
export class SettingsRefusal extends InvalidInputError {
  constructor(
    readonly reason: SettingsRefusalReason,
    field: string,
    readonly value: string,
    message: string,
  ) {
    super(field, message);
    this.name = 'SettingsRefusal';
  }
}
