#!/usr/bin/env bash
# Cross-check trailproof validate-logs with `aws cloudtrail validate-logs` (aws-cli v1 or v2) on
# the same tampered buckets. Needs aws-cli on PATH; run from the checkout root.
set -u
out=$(mktemp -d)
node bin/run-ts.js test/integrity/crosscheck/serve.ts "$out" >"$out/serve.log" 2>&1 &
server=$!
trap 'kill $server' EXIT
for _ in $(seq 60); do [ -f "$out/env" ] && break; sleep 1; done
. "$out/env"
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_ENDPOINT_URL_S3=$S3 AWS_DEFAULT_REGION=us-east-1
short() { grep -v '^$\|^Validating\|^Results requested\|^wrote' | sed -E 's#s3://[^ \t]*/([^/ \t]+)#\1#g' | cut -c1-200; }
for s in $SCEN; do
  extra=""; [ "$s" = org ] && extra="--account-id 222233334444"
  echo "=== $s"
  echo "--- aws-cli"
  aws cloudtrail validate-logs --trail-arn arn:aws:cloudtrail:us-east-1:111122223333:trail/audit $extra \
    --s3-bucket "xc-$s" --s3-prefix ct --start-time 2026-11-20T00:00:00Z --end-time 2026-11-20T08:00:00Z \
    --endpoint-url "$CT" --region us-east-1 2>&1 | short
  echo "exit ${PIPESTATUS[0]}"
  echo "--- trailproof"
  node bin/trailproof.js validate-logs --s3-bucket "xc-$s" --s3-prefix ct --start-time 2026-11-20T00:00:00Z \
    --end-time 2026-11-20T08:00:00Z --endpoint-url "$S3" --cloudtrail-endpoint-url "$CT" --out "$out/out-$s" 2>&1 | grep -v 'NodeVersion\|versions pub\|require node\|To continue\|and security\|More info\|trace-warn' | short
  echo "exit ${PIPESTATUS[0]}"
done
echo "outputs in $out"
