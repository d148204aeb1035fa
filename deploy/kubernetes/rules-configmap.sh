#!/usr/bin/env bash
# Prints the backlint-rules ConfigMap holding a rule file (default: the built-in rules/default.yaml):
#   deploy/kubernetes/rules-configmap.sh [RULE_FILE] | kubectl apply -f -
# Generated rather than copied, so the deployed rules are the file you name, byte for byte.
set -euo pipefail
rules=${1:-$(dirname "$0")/../../rules/default.yaml}
[ -r "$rules" ] || { echo "rules-configmap.sh: cannot read $rules" >&2; exit 1; }
cat <<HEADER
apiVersion: v1
kind: ConfigMap
metadata:
  name: backlint-rules
  labels:
    app.kubernetes.io/name: backlint
    app.kubernetes.io/part-of: backlint
data:
  rules.yaml: |
HEADER
sed 's/^/    /' "$rules"
