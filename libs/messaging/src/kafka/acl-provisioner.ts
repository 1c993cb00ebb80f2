import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type AclEntry,
  type Kafka,
} from 'kafkajs';
import { aclKey, type AclOperation, type AclRule } from './acl-plan';

const operations: Record<AclOperation, AclOperationTypes> = {
  read: AclOperationTypes.READ,
  write: AclOperationTypes.WRITE,
  describe: AclOperationTypes.DESCRIBE,
};

function toEntry(rule: AclRule): AclEntry {
  return {
    principal: rule.principal,
    host: '*',
    operation: operations[rule.operation],
    permissionType: AclPermissionTypes.ALLOW,
    resourceType: rule.resource === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
    resourceName: rule.name,
    resourcePatternType:
      rule.pattern === 'prefixed' ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
  };
}

function fromEntry(e: AclEntry): Omit<AclRule, 'why'> | undefined {
  const op = (Object.keys(operations) as AclOperation[]).find((o) => operations[o] === e.operation);
  const resource =
    e.resourceType === AclResourceTypes.TOPIC
      ? 'topic'
      : e.resourceType === AclResourceTypes.GROUP
        ? 'group'
        : undefined;
  const pattern =
    e.resourcePatternType === ResourcePatternTypes.PREFIXED
      ? 'prefixed'
      : e.resourcePatternType === ResourcePatternTypes.LITERAL
        ? 'literal'
        : undefined;
  if (!op || !resource || !pattern || e.host !== '*') return undefined;
  if (e.permissionType !== AclPermissionTypes.ALLOW) return undefined;
  return { principal: e.principal, resource, pattern, name: e.resourceName, operation: op };
}

/**
 * Writes the plan's ACLs (CreateAcls is idempotent: a binding that exists stays one). With
 * `prune`, an ALLOW binding of a principal in the plan that the plan no longer holds is
 * deleted, so a recipient removed from the routing rules loses its access; principals the
 * plan does not name (operators' own) are never touched.
 */
export async function applyAcls(
  kafka: Kafka,
  rules: AclRule[],
  options: { prune: boolean },
): Promise<{ written: number; deleted: Array<Omit<AclRule, 'why'>> }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (rules.length > 0) await admin.createAcls({ acl: rules.map(toEntry) });
    const deleted: Array<Omit<AclRule, 'why'>> = [];
    if (options.prune) {
      const wanted = new Set(rules.map(aclKey));
      for (const principal of new Set(rules.map((r) => r.principal))) {
        const found = await admin.describeAcls({
          principal,
          resourceType: AclResourceTypes.ANY,
          resourcePatternType: ResourcePatternTypes.ANY,
          operation: AclOperationTypes.ANY,
          permissionType: AclPermissionTypes.ALLOW,
        });
        for (const resource of found.resources) {
          for (const acl of resource.acls) {
            const entry = { ...resource, ...acl } as AclEntry;
            const rule = fromEntry(entry);
            if (rule && !wanted.has(aclKey(rule))) {
              deleted.push(rule);
              await admin.deleteAcls({ filters: [entry] });
            }
          }
        }
      }
    }
    return { written: rules.length, deleted };
  } finally {
    await admin.disconnect();
  }
}
