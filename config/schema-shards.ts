import { z } from 'zod';
import { DNS1123_LABEL, DNS1123_LABEL_RULE } from '../constructs/names';
import { dnsLabel, uniqueList } from './fields';

/** Upper bound on `sharding.shards`: each shard is a stack, a state and a CI job per environment. */
export const MAX_SHARDS = 64;

const shardName = z
  .string()
  .max(40, { message: 'must be at most 40 characters (it becomes part of the stack name <env>-apps-<shard>)' })
  .regex(DNS1123_LABEL, { message: DNS1123_LABEL_RULE });

/**
 * Splits the apps of each cluster environment over several stacks, each with its own Terraform
 * state, so a change to one app plans only its shard and CI can run shards in parallel.
 * Stack names are `<env>-apps-<shard>` (see docs/sharding.md).
 */
export const shardingSchema = z.strictObject({
  /**
   * Number of shards, named `0` … `N-1`. Each app goes to the shard its name hashes to
   * (rendezvous hashing): adding or removing apps never moves another app, but changing N moves
   * apps (growing N by one moves about 1/(N+1) of them into the new shard), which needs a state
   * move. Give either `shards` or `groups`.
   * @default - not sharded by hash
   */
  shards: z
    .number()
    .int({ message: 'must be a whole number' })
    .min(1, { message: 'must be at least 1' })
    .max(MAX_SHARDS, { message: `must be at most ${MAX_SHARDS}` })
    .optional(),
  /**
   * Shards by name, each listing app names. An app listed nowhere stays in the environment's own
   * stack (`main`, `sandbox`); an app may be listed in only one group. An empty group keeps its
   * stack, so it can be deployed empty (destroying what its apps had) before it is removed.
   * @default - not sharded by name
   */
  groups: z.record(shardName, uniqueList(dnsLabel, 10000)).optional(),
});

export type ShardingConfig = z.infer<typeof shardingSchema>;
