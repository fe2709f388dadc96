#!/usr/bin/env bash
# Runs the examples of docs/guide.md (section 2, the command-line tour) end to end in a fresh temporary
# directory and checks each exit code (and a few key lines of output) against what the
# guide shows (and, where the guide says a line is absent, that it is absent).
#
#   tools/readme-examples.sh path/to/trace-conform
#
# Exit 0 when every example behaves as documented, 1 otherwise, 2 on usage errors.
# Keep the commands here identical to the guide's: when one changes, change both.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 path/to/trace-conform" >&2
    exit 2
fi
case $1 in
    /*) BIN=$1 ;;
    *) BIN=$PWD/$1 ;;
esac
if [ ! -x "$BIN" ]; then
    echo "$0: $BIN is not an executable" >&2
    exit 2
fi

# The guide calls the binary `trace-conform`; so do the commands below.
trace-conform() { "$BIN" "$@"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/trace-readme.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

failures=0
steps=0
last_cmd=
# step WANT 'COMMAND': runs COMMAND (evaluated here, so redirections and pipes work as in
# the guide) and checks its exit status. Its stdout and stderr are kept in .out/.err for
# `expect_output`.
step() {
    local want=$1 cmd=$2 got
    steps=$((steps + 1))
    last_cmd=$cmd
    set +e
    eval "$cmd" >.out 2>.err
    got=$?
    set -e
    if [ "$got" -ne "$want" ]; then
        failures=$((failures + 1))
        echo "FAIL: exit $got, the guide says $want: $cmd" >&2
        sed 's/^/  stdout: /' .out >&2
        sed 's/^/  stderr: /' .err >&2
    fi
}
# expect_output TEXT: the last step's stdout or stderr contains TEXT (a fixed string).
expect_output() {
    if ! grep -qF -- "$1" .out .err; then
        failures=$((failures + 1))
        echo "FAIL: output of '$last_cmd' lacks: $1" >&2
        sed 's/^/  stdout: /' .out >&2
        sed 's/^/  stderr: /' .err >&2
    fi
}

# expect_no_output TEXT: neither stdout nor stderr of the last step contains TEXT.
expect_no_output() {
    if grep -qF -- "$1" .out .err; then
        failures=$((failures + 1))
        echo "FAIL: output of '$last_cmd' should not contain: $1" >&2
        sed 's/^/  stdout: /' .out >&2
        sed 's/^/  stderr: /' .err >&2
    fi
}

NOW=2026-07-25T17:20:00Z
EDKEY=uAaNUd7BU4id2SjaZoe5Byf3zwOAtfaFKr7acTk6WnI

# --- keygen
step 0 'trace-conform keygen --alg EdDSA > ed25519.jwk'
step 0 'trace-conform keygen --alg ES256 > p256.jwk'
step 0 'trace-conform keygen --alg ES384 > p384.jwk'
step 0 'trace-conform keygen --alg ES256 --public > p256.pub.jwk'
step 0 'trace-conform keygen --alg ES384 --public > p384.pub.jwk'
step 0 'cat p256.pub.jwk'
expect_output '{"crv":"P-256","kty":"EC","x":"KBTyE9R6YPwVLSsHqrVdMP-mR9v8Cgkfcfzsa4GQ_Bc","y":"ViMwrA_EmWgsnNTkn1ROfrVTqakSSnE2jo2FVIzUrcQ"}'
step 0 'trace-conform keygen --alg EdDSA --thumbprint'
expect_output "$EDKEY"

# --- sign
cat > claims.json <<'EOF'
{
  "eat_profile": "tag:agentrust-io.com,2026:trace-v0.2",
  "iat": 1785000000,
  "subject": "spiffe://example.org/agent/demo",
  "model": {"provider": "example", "model_id": "demo-model", "version": "1"},
  "runtime": {"platform": "software-only",
              "measurement": "sha256:0000000000000000000000000000000000000000000000000000000000000000"},
  "policy": {"bundle_hash": "sha256:1111111111111111111111111111111111111111111111111111111111111111",
             "enforcement_mode": "enforce"},
  "data_class": "internal",
  "build_provenance": {"slsa_level": 1,
                       "digest": "sha256:2222222222222222222222222222222222222222222222222222222222222222"},
  "appraisal": {"status": "none", "verifier": "https://verifier.example.org/"}
}
EOF
step 0 'trace-conform sign claims.json --key ed25519.jwk --out record.json'
step 0 'trace-conform sign claims.json --key p256.jwk --format jws --out record.jws'
step 0 'trace-conform sign claims.json --key p384.jwk --format cose --out record.cose'
step 0 'trace-conform sign claims.json --key p384.jwk --format cose --untagged --out record-untagged.cose'
step 0 'cat record.json'
expect_output '"signature":"FHe00VCk'
step 0 'cat record.jws'
expect_output 'eyJhbGciOiJFUzI1NiJ9.eyJhcHByYWlzYWwi'

# --- verify
REV="advisory TR-REV-001 revocation/not-checked at (record) [S2 §3.2.3; §3.3 step 8]: performed no revocation check (no revocation bundle was given)"
DEP="advisory TR-DEP-001 provenance/depth-not-verified at /build_provenance [S2 §3.3.1]: build provenance depth verified: none (provenance is not appraised by this verifier yet)"
ABOVE0='(above level 0: TR-APR-005, TR-RTE-001, TR-RTE-005, TR-TXN-001, TR-ANC-001, TR-RTE-006)'

step 0 "trace-conform verify record.json record.jws record.cose record-untagged.cose --now $NOW \\
    --trusted-key \$(trace-conform keygen --alg EdDSA --thumbprint) --trusted-key p256.pub.jwk --trusted-key p384.pub.jwk"
expect_output 'record.json: ACCEPT at level 0 (embedded, EdDSA; highest level accepted: level 0)'
expect_output "$REV"
expect_output "$DEP"
expect_output "$ABOVE0"
expect_output 'record.jws: ACCEPT at level 0 (jws, ES256; highest level accepted: level 0)'
expect_output 'record.cose: ACCEPT at level 0 (cose, ES384; highest level accepted: level 0)'
expect_output 'record-untagged.cose: ACCEPT at level 0 (cose, ES384; highest level accepted: level 0)'
expect_no_output 'TR-SIG-009'

step 1 "trace-conform verify record.json --now $NOW"
expect_output 'record.json: UNVERIFIED at level 0 (embedded, EdDSA; highest level accepted: none)'
expect_output "unverified TR-SIG-009 key/not-pinned at /cnf/jwk [docs/verification.md step 2; RFC 7638]: no trusted key: the signature proves only consistency with cnf.jwk (thumbprint $EDKEY); give a trusted key, or allow the embedded key explicitly"
expect_output "$ABOVE0"

step 0 "trace-conform verify record.json --now $NOW --allow-embedded-key"
expect_output 'record.json: ACCEPT at level 0 (embedded, EdDSA; highest level accepted: level 0)'
expect_output "advisory TR-SIG-009 key/not-pinned at /cnf/jwk [docs/verification.md step 2; RFC 7638]: no trusted key: the signature proves only consistency with cnf.jwk (thumbprint $EDKEY); the embedded key was allowed explicitly"
expect_output "$REV"
expect_output "$DEP"

step 1 "trace-conform verify record.jws --now $NOW --trusted-key \$(trace-conform keygen --alg EdDSA --thumbprint)"
expect_output 'record.jws: REJECT at level 0 (jws, ES256; highest level accepted: none)'
expect_output 'fail TR-SIG-009 key/untrusted at /cnf/jwk [docs/verification.md step 2; RFC 7638]: cnf.jwk (thumbprint nlOzZDKxX6JFROyeQ_Mi5xnqNfics8Jk6nE7z_KTCCI) is not a trusted key'
expect_no_output '(above level'
step 2 "trace-conform verify record.jws --now $NOW --trusted-key p256.jwk"
expect_output 'trace-conform verify: --trusted-key: JWK carries private member "d"'

step 1 "trace-conform verify record.json --now 2026-07-26T18:00:00Z --trusted-key \$(trace-conform keygen --alg EdDSA --thumbprint)"
expect_output 'record.json: REJECT at level 0 (embedded, EdDSA; highest level accepted: none)'
expect_output 'fail TR-ENV-002 freshness/stale at /iat [S2 §3.2.2; §3.3 step 2]: iat 1785000000 is 88800 s old at 1785088800; the maximum age is 86400 s'
expect_no_output '(above level'

step 0 "trace-conform verify record.jws --now $NOW --trusted-key p256.pub.jwk --output json"
expect_output '"verdict": "accept"'
expect_output '"rule": "TR-REV-001"'
expect_output '"class": "provenance/depth-not-verified"'
expect_output '"key_thumbprint": "nlOzZDKxX6JFROyeQ_Mi5xnqNfics8Jk6nE7z_KTCCI"'
expect_output '"highest_level": "L0"'
step 1 "trace-conform verify record.jws --now $NOW --output json"
expect_output '"verdict": "unverified"'
expect_output '"highest_level": null'

step 0 'trace-conform sign claims.json --key ed25519.jwk --format jws | trace-conform verify - --now 1785000000 --trusted-key $(trace-conform keygen --alg EdDSA --thumbprint)'
expect_output '-: ACCEPT at level 0 (jws, EdDSA; highest level accepted: level 0)'

step 1 "trace-conform verify claims.json --now $NOW"
expect_output 'claims.json: REJECT at level 0 (embedded, no verifiable signature; highest level accepted: none)'
expect_output 'fail TR-SIG-005 signature/missing at /signature [S2 §3.2.2; §3.3 step 1]: the record carries no signature binding'
expect_output 'fail TR-SCH-001 schema/violation at /cnf [S2 §3.1; schema/trace-claim.json]: "cnf" is a required property'
expect_output 'fail TR-ENV-004 key/missing at /cnf/jwk [S2 §3.1 cnf]: cnf.jwk is missing'
expect_output "$REV"

step 0 "sed 's/\"data_class\":\"internal\"/\"data_class\":\"public\"/' record.json > tampered.json"
if cmp -s record.json tampered.json; then
    failures=$((failures + 1))
    echo "FAIL: the sed command did not change record.json" >&2
fi
step 1 "trace-conform verify tampered.json --now $NOW --trusted-key \$(trace-conform keygen --alg EdDSA --thumbprint)"
expect_output 'tampered.json: REJECT at level 0 (embedded, EdDSA; highest level accepted: none)'
expect_output 'fail TR-SIG-005 signature/invalid at /signature [S2 §3.2.2; §3.3 step 1]: signature does not verify with the cnf key over the signed bytes'
expect_no_output 'TR-SIG-009'

step 1 "trace-conform verify record.json --now $NOW --trusted-key \$(trace-conform keygen --alg EdDSA --thumbprint) --level 1"
expect_output 'record.json: REJECT at level 1 (embedded, EdDSA; highest level accepted: level 0)'
expect_output 'fail TR-APR-005 level/appraisal at /appraisal/status [docs/trust-levels.md Level 1]: appraisal.status is "none"; Level 1 needs affirming'
expect_output 'fail TR-RTE-001 level/platform at /runtime/platform'
expect_output 'fail TR-RTE-005 level/measurement at /runtime/measurement'
expect_output 'unverified TR-RTE-006 evidence/hardware-unverified at /runtime'
expect_no_output '(above level'

# --- canonicalize
cat > tricky.json <<'EOF'
{"\ufb01": 1, "\ud83d\ude00": 2, "n": [1.0, 1e21, 1E-7, -0, 0.1e1, 333333333.33333329], "s": "\u00e9\/\u001f"}
EOF
step 0 'trace-conform canonicalize tricky.json'
printf '%s' '{"n":[1,1e+21,1e-7,0,1,333333333.3333333],"s":"é/\u001f","😀":2,"ﬁ":1}' > .want
if ! cmp -s .out .want; then
    failures=$((failures + 1))
    echo "FAIL: canonicalize tricky.json gave other bytes than the guide shows:" >&2
    od -c .out | sed 's/^/  got:  /' >&2
    od -c .want | sed 's/^/  want: /' >&2
fi

step 1 "echo '{\"a\": 1, \"a\": 2}' | trace-conform canonicalize -"
expect_output '-: no canonical form: TR-GEN-003 input/duplicate-member at (record) [S2 §3.2.2; RFC 7493 §2.3]: duplicate member name "a" at byte 9'
step 1 "echo '{\"n\": 9007199254740992}' | trace-conform canonicalize -"
expect_output '-: no canonical form: TR-GEN-006 input/unsafe-integer at /n [S2 §3.2.2; RFC 8785 §3.2.2.3]: integer outside ±(2^53-1) at byte 6'

if [ "$failures" -ne 0 ]; then
    echo "readme-examples: $failures check(s) failed ($steps commands run)" >&2
    exit 1
fi
echo "readme-examples: all $steps commands behaved as docs/guide.md says"
