import type { FindingsView } from '../model/finding';
import type { InputKind, InputRecord } from '../model/input';
import type { InputGroup, UnreadInput } from '../model/verdict';

const INPUT_GROUP_FLAG: Record<InputGroup, string> = { events: '--events', iac: '--iac/--terraform', config: '--config', live: '--live' };

const IAC_KINDS: ReadonlySet<InputKind> = new Set(['terraform-json', 'terraform-plan']);
const CONFIG_KINDS: ReadonlySet<InputKind> = new Set(['config-snapshot', 'config-items']);

function readSome(inputs: readonly InputRecord[], keep: (i: InputRecord) => boolean): boolean {
  return inputs.some((i) => i.status === 'processed' && keep(i));
}

/**
 * Which requested kinds of input gave nothing to judge. A run that read no events, no resources
 * and no configuration proves nothing, so it must not be reported as a pass: an empty directory,
 * one holding only other files, an empty stdin, a synth directory without `*.tf.json` and a
 * snapshot with no items all land here. Without `requested` (callers that do not say what they
 * asked for), the run is unread when no input at all was processed.
 */
export function unreadInputs(doc: Pick<FindingsView, 'inputs' | 'summary'>, requested?: readonly InputGroup[]): UnreadInput[] {
  const inputs = doc.inputs;
  if (!requested) {
    return readSome(inputs, () => true) || doc.summary.events > 0 ? [] : [{ group: 'input', flag: 'input', reason: inputs.length === 0 ? 'no inputs' : 'no input was processed' }];
  }
  const out: UnreadInput[] = [];
  for (const group of requested) {
    switch (group) {
      case 'events':
        // Events are what an event scan judges: files that parsed but held none give nothing either.
        if (doc.summary.events === 0) out.push({ group, flag: INPUT_GROUP_FLAG[group], reason: '0 events read' });
        break;
      case 'iac':
        if (!readSome(inputs, (i) => IAC_KINDS.has(i.kind) && i.records > 0)) out.push({ group, flag: INPUT_GROUP_FLAG[group], reason: 'no Terraform resources read' });
        break;
      case 'config':
        if (!readSome(inputs, (i) => CONFIG_KINDS.has(i.kind) && i.records > 0)) out.push({ group, flag: INPUT_GROUP_FLAG[group], reason: 'no configuration items read' });
        break;
      case 'live':
        if (!readSome(inputs, (i) => i.kind === 'live' && i.path.startsWith('live:'))) out.push({ group, flag: INPUT_GROUP_FLAG[group], reason: 'no AWS call succeeded' });
        break;
    }
  }
  return out;
}

/** One line for the verdict and stderr: "--events (0 events read), --iac (no Terraform resources read)". */
export function describeUnread(unread: readonly UnreadInput[]): string {
  return unread.map((u) => `${u.flag} (${u.reason})`).join(', ');
}
