import { runAdapterContract } from '../contract.js';
import { discordContractHarness } from './discord-contract-harness.js';

runAdapterContract('discord', discordContractHarness);
