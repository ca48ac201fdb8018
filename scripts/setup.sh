#!/usr/bin/env bash
# Install everything unik needs on Debian/Ubuntu: the system packages of each target, the npm dependencies,
# every known framework source at its pinned ref, and the MirageOS toolchain; then build and boot the default
# example. Re-running is cheap: installed packages, present sources and an up-to-date toolchain are kept.
#
#   scripts/setup.sh                 everything, then build + run examples/hello-unikraft
#   unik setup [--mirrors DIR]       the same, from an npm-installed unik (this file inside the package)
#   UNIK_SOURCES_FROM=DIR scripts/setup.sh
#                                    offline: every source, and OSv's submodules, from DIR/<name> checkouts or
#                                    DIR/<owner>+<repo>/repo bare mirrors instead of their upstream URLs
set -euo pipefail
cd "$(dirname "$0")/.."

# Per target, Debian 12 names, installed without recommends (qemu's would bring GTK, SDL and GStreamer).
COMMON_PACKAGES=(git build-essential qemu-system-x86 qemu-utils)
UNIKRAFT_PACKAGES=(flex bison libncurses-dev bc unzip)
OSV_PACKAGES=(libboost-dev libboost-system-dev libboost-filesystem-dev libboost-program-options-dev libboost-test-dev
  gawk genromfs libedit-dev libyaml-cpp-dev python3 flex bison)
# The list `unik toolchain install mirage` checks (toolchains/mirage/install/host.ts; a unit test keeps them equal).
MIRAGE_PACKAGES=(build-essential git pkg-config libseccomp-dev ocaml-nox ocaml-findlib ocaml-source ocaml-dune
  libcmdliner-ocaml-dev libastring-ocaml-dev libfmt-ocaml-dev libipaddr-ocaml-dev libbos-ocaml-dev libfpath-ocaml-dev
  librresult-ocaml-dev liburi-ocaml-dev liblogs-ocaml-dev libangstrom-ocaml-dev libbase64-ocaml-dev
  libbigstringaf-ocaml-dev libuutf-ocaml-dev cppo libdune-ocaml-dev)
# slirp4netns: podman's and runc/crun's published ports in `unik bench` of a server (a Recommends of podman only)
CONTAINER_PACKAGES=(runc crun podman docker.io slirp4netns)
# unik push/pull (skopeo); the registry tests (docker-registry, umoci, htpasswd)
OCI_PACKAGES=(skopeo docker-registry umoci apache2-utils)
# The existing programs of examples/*-osv (`program:`) and the client that checks redis
PROGRAM_PACKAGES=(nginx lua5.4 python3 nodejs redis-server redis-tools)

step() { printf '\n==> %s\n' "$*"; }
failed=()

step "system packages"
if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
missing=()
for p in "${COMMON_PACKAGES[@]}" "${UNIKRAFT_PACKAGES[@]}" "${OSV_PACKAGES[@]}" "${MIRAGE_PACKAGES[@]}" "${CONTAINER_PACKAGES[@]}" \
  "${OCI_PACKAGES[@]}" "${PROGRAM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "all present"
fi

# A checkout builds the CLI first; an npm-installed package (`unik setup`) ships it built, without a lockfile.
if [ -f package-lock.json ]; then
  step "npm dependencies and build"
  npm ci --no-audit --no-fund
  npm run build
fi
UNIK=(node dist/cli/main.cjs)

step "framework sources (pinned refs)"
mirrors=()
[ -n "${UNIK_SOURCES_FROM:-}" ] && mirrors=(--mirrors "$UNIK_SOURCES_FROM")
# name <TAB> state, for every known source: "ok" when present at its pinned ref.
"${UNIK[@]}" sources list --json | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    for (const x of JSON.parse(s).sources) console.log(`${x.name}\t${x.present && x.ref === x.pinnedRef ? "ok" : "add"}`);
  });' >"${TMPDIR:-/tmp}/unik-setup-sources.$$"
while IFS=$'\t' read -r name state; do
  if [ "$state" = ok ]; then echo "$name: present"; continue; fi
  if ! "${UNIK[@]}" sources add "$name" "${mirrors[@]}" </dev/null; then
    echo "!! could not get $name; give local clones: UNIK_SOURCES_FROM=DIR $0  (DIR/$name or DIR/<owner>+<repo>/repo)" >&2
    [ "$name" = unikraft ] && exit 1
    failed+=("source $name")
  fi
done <"${TMPDIR:-/tmp}/unik-setup-sources.$$"
rm -f "${TMPDIR:-/tmp}/unik-setup-sources.$$"

step "library archives Unikraft's lib-musl and LLVM libraries download (from Debian source packages)"
# musl-1.2.3.tar.gz is Debian's musl orig tarball byte for byte; LLVM's per-component tarballs are GitHub release
# assets only, so each is cut out of Debian's llvm-toolchain-14 orig tarball (the whole monorepo, same files).
LLVM_URL=https://github.com/llvm/llvm-project/releases/download/llvmorg-14.0.6
MUSL_URL=https://www.musl-libc.org/releases/musl-1.2.3.tar.gz
have_archives=$("${UNIK[@]}" sources list --json | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const urls = JSON.parse(s).archives.filter((a) => a.present).map((a) => a.url);
    console.log(["'"$MUSL_URL"'", ...["libcxx", "libcxxabi", "libunwind", "compiler-rt"].map((c) => `'"$LLVM_URL"'/${c}-14.0.6.src.tar.xz`)].every((u) => urls.includes(u)) ? "yes" : "no");
  });')
if [ "$have_archives" = yes ]; then
  echo "all present"
else
  work=$(mktemp -d)
  # apt-get source needs a deb-src entry: add Debian's own (bookworm main) where the host has none.
  if ! grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' |
      "${SUDO[@]}" tee /etc/apt/sources.list.d/unik-deb-src.sources >/dev/null
    "${SUDO[@]}" apt-get update -qq
  fi
  if (cd "$work" && apt-get source --download-only musl llvm-toolchain-14 >/dev/null); then
    "${UNIK[@]}" sources add-archive "$MUSL_URL" "$work"/musl_1.2.3.orig.tar.gz
    tar -xJf "$work"/llvm-toolchain-14_14.0.6.orig.tar.xz -C "$work" --wildcards 'llvm-toolchain-14_14.0.6/libcxx/*' \
      'llvm-toolchain-14_14.0.6/libcxxabi/*' 'llvm-toolchain-14_14.0.6/libunwind/*' 'llvm-toolchain-14_14.0.6/compiler-rt/*'
    for c in libcxx libcxxabi libunwind compiler-rt; do
      XZ_OPT=-1 tar -C "$work"/llvm-toolchain-14_14.0.6 --transform "s,^$c,$c-14.0.6.src," --sort=name --mtime=2022-06-22 \
        --owner=0 --group=0 --numeric-owner -cJf "$work/$c-14.0.6.src.tar.xz" "$c"
      "${UNIK[@]}" sources add-archive "$LLVM_URL/$c-14.0.6.src.tar.xz" "$work/$c-14.0.6.src.tar.xz" --force
    done
  else
    echo "!! apt-get source could not fetch musl and llvm-toolchain-14 (a deb-src entry and Debian's mirror are needed); C++ and musl apps need these" >&2
    failed+=("musl/LLVM archives")
  fi
  rm -rf "$work"
fi

step "MirageOS toolchain (Solo5, ocaml-solo5, mirage, the duniverse seed; minutes the first time)"
"${UNIK[@]}" toolchain install mirage </dev/null || failed+=("unik toolchain install mirage")

step "doctor"
"${UNIK[@]}" doctor || true

step "build and boot examples/hello-unikraft"
"${UNIK[@]}" build examples/hello-unikraft
"${UNIK[@]}" run examples/hello-unikraft

if [ ${#failed[@]} -gt 0 ]; then
  printf '\n!! setup finished with problems: %s\n' "${failed[*]}" >&2
  exit 1
fi
