import { Release } from '@cdktf/provider-helm/lib/release';
import { VAULT_CHART } from '../constructs/charts';
import { Rule } from './rule-pack';
import { releaseValues, valueAt as at } from './vault-chart-env';

/**
 * A Vault reachable from outside its cluster answers there only from the ready active pod, and
 * terminates TLS itself. Read in hashicorp/vault-helm at v0.34.1: templates/ui-service.yaml
 * (`activeVaultPodOnly`, `publishNotReadyAddresses`), server-service.yaml, server-ha-active-service.yaml
 * and server-ha-standby-service.yaml (one `server.service.type` for all three), server-ingress.yaml
 * (`activeService`, `tls`); values.yaml gives the defaults used when a key is unset.
 */

type Values = Record<string, unknown>;

const OUTSIDE_THE_CLUSTER = ['LoadBalancer', 'NodePort'];
const PASSTHROUGH = 'nginx.ingress.kubernetes.io/ssl-passthrough';

/** The findings on a hashicorp/vault release's merged values. */
export function exposureFindings(values: Values): string[] {
  const findings: string[] = [];
  const serviceType = String(at(values, 'server.service.type') ?? 'ClusterIP');
  if (OUTSIDE_THE_CLUSTER.includes(serviceType)) {
    findings.push(
      `server.service.type is ${serviceType}: it applies to the main, active and standby Services alike, so standby and unready pods answer outside the cluster; leave it ClusterIP and expose the UI Service with ui.activeVaultPodOnly`,
    );
  }
  // The chart renders the UI Service when ui.enabled is true, or "-" with global.enabled (templates/_helpers.tpl, vault.uiEnabled).
  const uiEnabled = String(at(values, 'ui.enabled') ?? false) === 'true' || (String(at(values, 'ui.enabled')) === '-' && String(at(values, 'global.enabled') ?? true) === 'true');
  const uiType = String(at(values, 'ui.serviceType') ?? 'ClusterIP');
  if (uiEnabled && OUTSIDE_THE_CLUSTER.includes(uiType)) {
    if (at(values, 'ui.activeVaultPodOnly') !== true) {
      findings.push(`ui.serviceType is ${uiType} without ui.activeVaultPodOnly: true, so standby pods answer outside the cluster; set it (the Service then selects vault-active: "true")`);
    }
    if (at(values, 'ui.publishNotReadyAddresses') !== false) {
      findings.push(`ui.serviceType is ${uiType} and ui.publishNotReadyAddresses is not false (the chart's default is true), so a sealed pod still labelled active answers outside the cluster; set it to false`);
    }
  }
  if (at(values, 'server.ingress.enabled') === true) {
    if (at(values, 'server.ingress.activeService') === false) {
      findings.push('server.ingress.activeService is false: the Ingress routes to every pod, standbys and unready ones too; set it to true');
    }
    if (at(values, 'server.service.publishNotReadyAddresses') !== false) {
      findings.push("server.ingress is enabled and server.service.publishNotReadyAddresses is not false (the chart's default is true), so a sealed pod still labelled active answers through the Ingress; set it to false");
    }
    const annotations = at(values, 'server.ingress.annotations');
    const passthrough = annotations && typeof annotations === 'object' ? (annotations as Values)[PASSTHROUGH] : undefined;
    if (String(passthrough) !== 'true') {
      findings.push(`server.ingress has no ${PASSTHROUGH}: "true": the ingress controller would terminate TLS and see every token in clear; pass TLS through to Vault`);
    }
    const tls = at(values, 'server.ingress.tls');
    if (Array.isArray(tls) && tls.length > 0) {
      findings.push('server.ingress.tls is set: it serves an ingress that terminates TLS, while with passthrough Vault presents its own certificate; remove it');
    }
  }
  return findings;
}

export const vaultExposedThroughActivePod: Rule = {
  id: 'VP-HELM-2',
  summary: 'a hashicorp/vault release reachable from outside the cluster answers there only from the ready active pod, and Vault terminates TLS (no ingress without passthrough)',
  check(construct, { synthesized }) {
    if (!(construct instanceof Release)) return [];
    const block = synthesized.blockOf(construct) ?? {};
    if (block.chart !== VAULT_CHART.chart || block.repository !== VAULT_CHART.repository) return [];
    return exposureFindings(releaseValues(block));
  },
};
