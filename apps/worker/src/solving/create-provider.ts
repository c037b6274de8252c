import { PROVIDERS } from '@crux/contracts/core';
import type { ModelProvider } from './model-provider.js';
import { ProviderError } from './provider-error.js';
import { SimulatedProvider } from './simulated-provider.js';

export interface ProviderSettings {
  simulatedLatencyMs: number;
  openaiBaseUrl: string | null;
}

/** The provider a job asked for; a provider this worker cannot use fails the job, never the worker. */
export function createProvider(name: string, settings: ProviderSettings): ModelProvider {
  switch (name) {
    case 'simulated':
      return new SimulatedProvider({ latencyMs: settings.simulatedLatencyMs });
    case 'openai':
      if (!settings.openaiBaseUrl) {
        throw new ProviderError('openai', "the job asked for llm_provider 'openai', but this worker has no OPENAI_BASE_URL configured");
      }
      throw new ProviderError('openai', "the 'openai' provider is not available in this worker version yet");
    default:
      throw new ProviderError(name, `unknown llm_provider '${name}'; known providers are ${PROVIDERS.join(', ')}`);
  }
}
