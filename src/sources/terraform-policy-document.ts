import { type Obj, str, strings } from '../util/values';
import { blocks } from '../resources/mapping';

/** The IAM JSON an `aws_iam_policy_document` data source renders, so bucket policies can be read. */
export function renderPolicyDocument(v: Obj): Obj {
  return {
    Version: str(v.version) ?? '2012-10-17',
    Statement: blocks(v.statement).map((s) => {
      const st: Obj = { Effect: str(s.effect) ?? 'Allow' };
      if (s.sid) st.Sid = s.sid;
      const principals = blocks(s.principals);
      if (principals.length > 0) {
        if (principals.some((pr) => str(pr.type) === '*')) st.Principal = '*';
        else {
          const p: Obj = {};
          for (const pr of principals) p[str(pr.type) ?? 'AWS'] = strings(pr.identifiers);
          st.Principal = p;
        }
      }
      if (s.actions) st.Action = strings(s.actions);
      if (s.not_actions) st.NotAction = strings(s.not_actions);
      if (s.resources) st.Resource = strings(s.resources);
      const conds = blocks(s.condition);
      if (conds.length > 0) {
        const c: Record<string, Obj> = {};
        for (const cd of conds) {
          const test = str(cd.test) ?? 'StringEquals';
          c[test] = { ...(c[test] ?? {}), [str(cd.variable) ?? '']: strings(cd.values) };
        }
        st.Condition = c;
      }
      return st;
    }),
  };
}
