#!/usr/bin/env bash
# Install everything unik needs on Debian/Ubuntu, fetch the pinned framework sources, build the default
# example and boot it. Re-running is cheap: installed packages and present sources are kept.
#
#   scripts/setup.sh                 everything, then build + run examples/hello-unikraft
#   UNIK_SOURCES_FROM=DIR scripts/setup.sh
#                                    offline: clone sources from DIR/<name> (or DIR/<owner>+<name>/repo)
#                                    instead of their upstream URLs
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(qemu-system-x86 qemu-utils build-essential flex bison libncurses-dev bc unzip git
  runc crun podman docker.io
  # OSv kernel builds
  libboost-dev libboost-system-dev libboost-filesystem-dev libboost-program-options-dev libboost-test-dev
  gawk genromfs libedit-dev libyaml-cpp-dev python3
  # MirageOS (the toolchain itself comes from opam or $UNIK_HOME/toolchains; see README)
  ocaml-nox ocaml-findlib dune libdune-ocaml-dev libseccomp-dev pkg-config
  # unik push/pull (skopeo); the registry tests (docker-registry, umoci, htpasswd)
  skopeo docker-registry umoci apache2-utils)

step() { printf '\n==> %s\n' "$*"; }

step "system packages"
if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
missing=()
for p in "${SYSTEM_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq "${missing[@]}"
else
  echo "all present"
fi

step "npm dependencies and build"
npm ci --no-audit --no-fund
npm run build
UNIK=(node dist/cli/main.js)

step "framework sources (pinned refs)"
# name -> GitHub owner+repo, used to find a local mirror named <owner>+<name>
declare -A MIRROR=([unikraft]=unikraft+unikraft [lib-lwip]=unikraft+lib-lwip [fork-lwip]=unikraft+fork-lwip
  [osv]=cloudius-systems+osv)
present=$("${UNIK[@]}" sources list --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const x of JSON.parse(s).sources)if(x.present&&x.ref===x.pinnedRef)console.log(x.name)})')
for name in unikraft lib-lwip fork-lwip osv; do
  if grep -qx "$name" <<<"$present"; then echo "$name: present"; continue; fi
  from=()
  if [ -n "${UNIK_SOURCES_FROM:-}" ]; then
    for cand in "$UNIK_SOURCES_FROM/$name" "$UNIK_SOURCES_FROM/${MIRROR[$name]}/repo"; do
      [ -d "$cand" ] && from=("$cand") && break
    done
  fi
  if ! "${UNIK[@]}" sources add "$name" "${from[@]}"; then
    echo "!! could not get $name; give a local checkout: UNIK_SOURCES_FROM=DIR $0  (DIR/$name)" >&2
    [ "$name" = unikraft ] && exit 1
  fi
done

step "doctor"
"${UNIK[@]}" doctor || true

step "build and boot examples/hello-unikraft"
"${UNIK[@]}" build examples/hello-unikraft
if "${UNIK[@]}" help run >/dev/null 2>&1; then "${UNIK[@]}" run examples/hello-unikraft; fi
