import { runAdapterContract } from '../contract.js';
import { slackContractHarness } from './slack-harness.js';

runAdapterContract('slack', slackContractHarness);
