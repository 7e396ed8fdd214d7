import { runAdapterContract } from '../contract.js';
import { xContractHarness } from './x-harness.js';

runAdapterContract('twitter (X Activity API webhook)', xContractHarness);
