/**
 * @module What the Broker's ASP.NET environment decides. `Development` (opt-in here) is the Broker run on a
 * developer's machine; every other name is a deployed Broker, and `production` adds the approval rules.
 * Sources in Altinn/altinn-broker@161ba122: src/Altinn.Broker.API/Program.cs (lifetime validation off in
 * Development), src/Altinn.Broker.Integrations/Azure/AzureResourceManagerService.cs (Development provisions only the
 * virus-scan storage provider), src/Altinn.Broker.API/appsettings.Development.json (`SimulateMalwareScan`),
 * src/Altinn.Broker.Application/MalwareScanResults/MalwareScanResultHandler.cs (status rules outside Development),
 * src/Altinn.Broker.API/Filters/StatisticsApiKeyFilter.cs (5 statistics calls an hour in Development, else 10),
 * src/Altinn.Broker.Application/InitializeFileTransfer/InitializeFileTransferHandler.cs and
 * src/Altinn.Broker.Application/ConfigureResource/ConfigureResourceHandler.cs (codes 20 and 13 in Production).
 */
import type { StoredServiceOwner } from './store.ts';

/** The names the Broker runs under: on a developer's machine, and its three deployments (tt02 is `staging`). */
export const ENVIRONMENT_NAMES = ['Development', 'test', 'staging', 'production'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];
/** A deployed, non-production Broker: what the conformance harness expects by default. */
export const DEFAULT_ENVIRONMENT: EnvironmentName = 'test';

export type StorageProviderType = StoredServiceOwner['storageProviders'][number];

export interface EnvironmentRules {
  readonly name: EnvironmentName;
  readonly development: boolean;
  readonly production: boolean;
  /** Token lifetime is validated everywhere but in Development. */
  readonly validateLifetimeByDefault: boolean;
  /** Storage providers a new service owner gets: Development only the virus-scan one, deployed both. */
  readonly providersOnCreate: readonly StorageProviderType[];
  /** Development's simulated scan declares every upload clean; a deployed scanner finds the EICAR test file. */
  readonly scanInspectsContent: boolean;
  /** Outside Development a scan result is refused in UploadStarted (503 code 30) and ignored unless UploadProcessing. */
  readonly scanResultNeedsUploadProcessing: boolean;
  /** API-key statistics calls per client IP and sliding hour. */
  readonly statisticsCallsPerHour: number;
}

/** The canonical name for `name` (compared case-insensitively, as ASP.NET does); throws on anything else. */
export function parseEnvironmentName(name: string): EnvironmentName {
  const found = ENVIRONMENT_NAMES.find((n) => n.toLowerCase() === name.trim().toLowerCase());
  if (!found) throw new Error(`environmentName must be one of ${ENVIRONMENT_NAMES.join(', ')}; got '${name}'`);
  return found;
}

export function environmentRules(name: EnvironmentName = DEFAULT_ENVIRONMENT): EnvironmentRules {
  const development = name === 'Development';
  return {
    name,
    development,
    production: name === 'production',
    validateLifetimeByDefault: !development,
    providersOnCreate: development ? ['AltinnAzure'] : ['AltinnAzure', 'AltinnAzureWithoutVirusScan'],
    scanInspectsContent: !development,
    scanResultNeedsUploadProcessing: !development,
    statisticsCallsPerHour: development ? 5 : 10,
  };
}
