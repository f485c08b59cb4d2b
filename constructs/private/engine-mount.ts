import { Mount } from '@cdktf/provider-vault/lib/mount';
import { Construct } from 'constructs';
import { validateMountPath } from '../kv-v2-mount';
import { renamedProp } from './errors';

/** What a secrets engine construct's props say about its mount. */
export interface EngineMountProps {
  readonly mountPath?: string;
  /** @deprecated the old name of `mountPath` */
  readonly path?: string;
  readonly description?: string;
}

/**
 * The `vault_mount` of a secrets engine construct, as child `Mount` of `owner` (its construct id is
 * part of every existing resource address), made its `defaultChild`.
 */
export function addEngineMount(owner: Construct, construct: string, props: EngineMountProps, defaults: { mountPath: string; type: string; description: string }): { mountPath: string; mount: Mount } {
  const mountPath = renamedProp(construct, 'mountPath', props.mountPath, 'path', props.path) ?? defaults.mountPath;
  validateMountPath(construct, 'mountPath', mountPath);
  const mount = new Mount(owner, 'Mount', { path: mountPath, type: defaults.type, description: props.description ?? defaults.description });
  owner.node.defaultChild = mount;
  return { mountPath, mount };
}
