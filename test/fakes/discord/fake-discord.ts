import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGateway } from './gateway.js';
import { flattrInteraction, guildCreate, messageOf, reactionAdd, reactionRemove, type CommandOption, type ReactionSpec } from './payloads.js';
import { createRestRoutes, handleRest, type FakeRestState, type RecordedRequest } from './rest.js';

export type FakeDiscordOptions = {
  token?: string; applicationId?: string; guilds?: { id: string; channelId: string; ownerId: string }[]; heartbeatInterval?: number;
  /** Shards GET /gateway/bot recommends (default 1). */
  shards?: number;
};

/**
 * A fake Discord (REST API + gateway on one local port) that the real
 * discord.js client talks to through `rest.api` / DISCORD_API_URL.
 * Tests seed messages, dispatch reactions and interactions, and read what
 * the bot registered and replied.
 */
export class FakeDiscord {
  readonly token: string;
  readonly applicationId: string;
  readonly botUser = { id: '1166430000000000000', username: 'flattr-hub' };
  readonly guilds: { id: string; channelId: string; ownerId: string }[];
  readonly requests: RecordedRequest[] = [];
  readonly gateway: FakeGateway;
  readonly state: FakeRestState;
  private readonly server: Server;
  private ids = 1_200_000_000_000_000_000n;

  private constructor(options: FakeDiscordOptions) {
    this.token = options.token ?? 'fake-discord-bot-token';
    this.applicationId = options.applicationId ?? '775799577604522054';
    this.guilds = options.guilds ?? [{ id: '41771983423143937', channelId: '1166438023365812244', ownerId: '80351110224678999' }];
    this.state = {
      token: this.token, shards: options.shards ?? 1, gatewayUrl: () => this.wsUrl, messages: new Map(), commands: new Map(), replies: new Map(), posted: new Map(), dms: new Map(),
      nextId: () => String(this.ids++),
    };
    const routes = createRestRoutes(this.state);
    this.server = createServer((req, res) => {
      handleRest(routes, this.requests, this.state, req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: String(error), code: 0 }));
      });
    });
    this.gateway = new FakeGateway({
      token: this.token, applicationId: this.applicationId, botUser: this.botUser, heartbeatInterval: options.heartbeatInterval ?? 1000,
      guilds: () => this.guilds.map((g) => guildCreate(g)), resumeUrl: () => this.wsUrl, shardCount: options.shards ?? 1,
    });
    this.server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/gateway')) return void socket.destroy();
      this.gateway.wss.handleUpgrade(req, socket, head, (ws) => this.gateway.wss.emit('connection', ws, req));
    });
  }

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  private get port(): number {
    return (this.server.address() as AddressInfo).port;
  }
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }
  get guild() {
    return this.guilds[0]!;
  }

  /** A message the bot may fetch (GET /channels/:c/messages/:m) to learn its author. */
  addMessage(m: { messageId: string; authorId: string; channelId?: string; bot?: boolean }): void {
    const channelId = m.channelId ?? this.guild.channelId;
    this.state.messages.set(`${channelId}:${m.messageId}`, messageOf({ ...m, channelId }));
  }

  react(action: 'add' | 'remove', r: Omit<ReactionSpec, 'guildId' | 'channelId'> & Partial<ReactionSpec>): number {
    const spec = { guildId: this.guild.id, channelId: this.guild.channelId, ...r };
    return action === 'add'
      ? this.gateway.dispatch('MESSAGE_REACTION_ADD', reactionAdd(spec))
      : this.gateway.dispatch('MESSAGE_REACTION_REMOVE', reactionRemove(spec));
  }

  /** Types `/flattr <subcommand>` and resolves with the final reply text once the bot has answered. */
  async command(userId: string, subcommand: string, options: CommandOption[] = [], extra: { locale?: string; permissions?: string; guildId?: string } = {}) {
    const id = this.state.nextId();
    const token = `interaction-token-${id}`;
    const { guildId, ...rest } = extra;
    // Typed in the first guild unless told: the interaction goes to that guild's shard.
    const guild = this.guilds.find((g) => g.id === guildId) ?? this.guild;
    this.gateway.dispatch('INTERACTION_CREATE', flattrInteraction({
      id, token, applicationId: this.applicationId, guildId: guild.id, channelId: guild.channelId, userId, subcommand, options, ...rest,
    }));
    await waitFor(() => finalReply(this.state.replies.get(token)) !== undefined, `a reply to /flattr ${subcommand}`);
    return finalReply(this.state.replies.get(token))!;
  }

  async close(): Promise<void> {
    this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

type ReplyBody = { type?: number; data?: { content?: string; flags?: number }; content?: string; flags?: number };

/** The reply text and flags: a callback with content (type 4), or a deferral (type 5) and its edit. */
function finalReply(bodies: unknown[] | undefined): { content: string; flags: number; deferred: boolean } | undefined {
  const [first, edit] = (bodies ?? []) as ReplyBody[];
  if (first?.type === 4) return { content: first.data?.content ?? '', flags: first.data?.flags ?? 0, deferred: false };
  if (first?.type === 5 && edit) return { content: edit.content ?? '', flags: first.data?.flags ?? 0, deferred: true };
  return undefined;
}

/** Polls until `check` holds; fails naming what it waited for. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
