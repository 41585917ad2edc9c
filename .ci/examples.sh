#!/usr/bin/env bash
# The examples against a live embedded server of their own (server/dist, built by .ci/run):
#   webhook receiver: a real signed delivery, a replay deduped, a forged request refused;
#   CLI: generate (ZIP with the asked number of images and a manifest.json), import (per-file results);
#   storefront: the page clicked through a whole generation in headless Chromium, screenshot saved.
# Runs as root with no stdin; ARTIFACTS_DIR chooses where the screenshots go.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
artifacts=${ARTIFACTS_DIR:-$work/artifacts}
mkdir -p "$artifacts"
api_port=3941
receiver_port=4941
storefront_port=5941
export LUMIKU_API_KEY=lk_test_ci_examples_0000000000
export LUMIKU_BASE_URL=http://127.0.0.1:$api_port
pids=()

step() { printf '\n-- examples: %s\n' "$*"; }
fail() {
  echo "examples: $*" >&2
  for log in "$work"/*.log; do printf '\n== %s\n' "$log" >&2; tail -n 40 "$log" >&2; done
  exit 1
}
# Each background service runs in a session of its own (setsid), so stopping it stops npm's children too.
cleanup() {
  for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# wait_for <seconds> <description> <command...>: polls twice a second.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  for _ in $(seq 1 $((seconds * 2))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  fail "timed out after ${seconds}s waiting for $what"
}
api() { curl -sf -H "Authorization: Bearer $LUMIKU_API_KEY" "$@"; }
json_field() { node -e 'let s="";process.stdin.on("data",(c)=>(s+=c)).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }

step "embedded server on :$api_port (127.0.0.1 webhooks allowed)"
PORT=$api_port DATA_DIR="$work/data" DEV_API_KEY=$LUMIKU_API_KEY WEBHOOK_ALLOW_PRIVATE=true LOG_LEVEL=warn \
  setsid node server/dist/main.js >"$work/server.log" 2>&1 &
pids+=($!)
wait_for 120 "the API to be ready" curl -sf "$LUMIKU_BASE_URL/health/ready"

step "webhook receiver: a real delivery, verified, then deduped on replay"
endpoint=$(api -X POST "$LUMIKU_BASE_URL/v1/webhook-endpoints" -H 'content-type: application/json' \
  -d "{\"url\":\"http://127.0.0.1:$receiver_port/webhooks/lumiku\",\"events\":[\"generation.completed\"]}")
endpoint_id=$(json_field id <<<"$endpoint")
PORT=$receiver_port LUMIKU_WEBHOOK_SECRET=$(json_field secret <<<"$endpoint") \
  setsid npm start --silent -w examples/webhook-receiver >"$work/receiver.log" 2>&1 &
pids+=($!)
wait_for 60 "the receiver to listen" grep -q 'webhook receiver on' "$work/receiver.log"
delivery_id=$(api -X POST "$LUMIKU_BASE_URL/v1/webhook-endpoints/$endpoint_id/test" | json_field id)
wait_for 30 "the test delivery to be verified" grep -q 'verified webhook.test' "$work/receiver.log"
# The delivery is marked delivered just after the receiver answers; replay answers 409 until then.
wait_for 30 "the replay to be accepted" api -X POST "$LUMIKU_BASE_URL/v1/webhook-deliveries/$delivery_id/replay"
wait_for 30 "the replay to be deduped" grep -q 'duplicate' "$work/receiver.log"
forged=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$receiver_port/webhooks/lumiku" \
  -H 'webhook-id: msg_forged' -H "webhook-timestamp: $(date +%s)" -H 'webhook-signature: v1,AAAA' -d '{}')
[ "$forged" = 400 ] || fail "a forged delivery answered $forged, not 400"
echo "delivery $delivery_id verified, its replay deduped, a forged one refused with 400"

step "CLI: generate 5 poses, download the ZIP"
npm run --silent sample-photos -w examples/cli -- "$work" >/dev/null
npx --no lumiku-example generate --avatar "$work/a.jpg" --product "$work/p.png" \
  --mix fashion-standing=3,fashion-walking=2 --seed 7 --out "$work/cli.zip" 2>&1 | tee "$work/cli.log"
grep -q 'rendering \[' "$work/cli.log" || fail "the CLI printed no progress bar"
node --input-type=module -e '
  import { readFileSync } from "node:fs";
  import { unzipSync, strFromU8 } from "fflate";
  const [zipPath, asked] = process.argv.slice(1);
  const files = unzipSync(readFileSync(zipPath));
  const images = Object.keys(files).filter((name) => /\.(png|jpe?g|webp)$/.test(name));
  if (images.length !== Number(asked)) throw new Error(`${zipPath} holds ${images.length} images, asked ${asked}`);
  if (!files["manifest.json"]) throw new Error(`${zipPath} has no manifest.json`);
  const manifest = JSON.parse(strFromU8(files["manifest.json"]));
  const entries = Array.isArray(manifest) ? manifest : (manifest.poses ?? manifest.images ?? []);
  if (entries.length !== Number(asked)) throw new Error(`manifest.json lists ${entries.length} images, asked ${asked}`);
  console.log(`${zipPath}: ${images.length} images and a manifest.json of ${entries.length}`);
' "$work/cli.zip" 5
wait_for 30 "the receiver to handle generation.completed" grep -q 'images ready' "$work/receiver.log"
grep 'images ready' "$work/receiver.log"

step "CLI: import pose files (two people in one, one broken file)"
mkdir -p "$work/poses"
api "$LUMIKU_BASE_URL/v1/pose-templates?category=fashion-standing&limit=2" | node -e '
  let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => {
    const fs = require("node:fs");
    const person = (t) => ({ pose_keypoints_2d: t.keypoints.flatMap((k) => [k.x * t.canvas.width, k.y * t.canvas.height, k.c]) });
    const { data } = JSON.parse(s);
    const dir = process.argv[1];
    fs.writeFileSync(`${dir}/two-people.json`, JSON.stringify({ canvas_width: 512, canvas_height: 768, people: data.map(person) }));
    fs.writeFileSync(`${dir}/broken.json`, JSON.stringify({ people: [{ pose_keypoints_2d: [1, 2] }] }));
  });' "$work/poses"
npx --no lumiku-example import "$work"/poses/*.json --category ci-imported | tee "$work/import.log"
[ "$(grep -c 'imported as' "$work/import.log")" = 2 ] || fail "import did not report two imported people"
grep -q 'rejected' "$work/import.log" || fail "import did not report the broken file"

step "storefront: the page through a whole generation in headless Chromium"
PORT=$storefront_port setsid npm run --silent dev -w examples/storefront >"$work/storefront.log" 2>&1 &
pids+=($!)
wait_for 120 "the storefront to listen" grep -q 'storefront on' "$work/storefront.log"
STOREFRONT_URL=http://127.0.0.1:$storefront_port ARTIFACTS_DIR="$artifacts" npm run --silent e2e -w examples/storefront ||
  fail "the storefront e2e failed"

echo
echo "examples passed; screenshots in $artifacts"
