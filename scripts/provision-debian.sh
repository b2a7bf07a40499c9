#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks to develop and test Labvisor, then makes
# sure a Docker engine answers. Idempotent: safe to run again; it only does what is missing.
set -euo pipefail

log() { printf '[provision] %s\n' "$*" >&2; }

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
      log "run as root (or install sudo): package installs need it"; exit 1
    fi
  else SUDO=""; fi
}

# Debian package -> a file that proves it is installed.
declare -A WANT=(
  [docker.io]=/usr/sbin/dockerd
  [qemu-system-x86]=/usr/bin/qemu-system-x86_64
  # aarch64 guests (-M virt) on any engine: the runner image carries this binary too.
  [qemu-system-arm]=/usr/bin/qemu-system-aarch64
  [busybox-static]=/bin/busybox
  [linux-image-cloud-amd64]=/usr/share/doc/linux-image-cloud-amd64
  [chromium]=/usr/bin/chromium
  # The ssh:// engine test runs a private sshd of its own on 127.0.0.1; Labvisor's ssh:// engines use the client.
  [openssh-server]=/usr/sbin/sshd
  [openssh-client]=/usr/bin/ssh
  # The tcp:// + TLS engine test makes its certificates with it.
  [openssl]=/usr/bin/openssl
  # node-gyp compiles node-pty in `npm ci` and in the tarball's global install (no Linux prebuild).
  [build-essential]=/usr/share/doc/build-essential
  [python3]=/usr/bin/python3
)

install_missing() {
  local missing=()
  for pkg in "${!WANT[@]}"; do
    [ -e "${WANT[$pkg]}" ] || missing+=("$pkg")
  done
  # busybox-static replaces busybox; /bin/busybox alone may be the dynamic one.
  if [ -e /bin/busybox ] && ! dpkg -s busybox-static >/dev/null 2>&1; then
    [[ " ${missing[*]-} " == *" busybox-static "* ]] || missing+=(busybox-static)
  fi
  if [ ${#missing[@]} -eq 0 ]; then log "packages: all present"; return; fi
  log "installing: ${missing[*]}"
  need_root
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # openssh-server's install would start a system sshd; the tests start their own. A policy-rc.d
  # that refuses service starts (only while installing, only where none exists) keeps it stopped.
  local policy=/usr/sbin/policy-rc.d added_policy=""
  if [[ " ${missing[*]} " == *" openssh-server "* ]] && [ ! -e "$policy" ]; then
    $SUDO sh -c "printf '#!/bin/sh\\nexit 101\\n' > $policy && chmod 755 $policy"
    added_policy=1
  fi
  local rc=0
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" iptables >/dev/null || rc=$?
  if [ -n "$added_policy" ]; then $SUDO rm -f "$policy"; fi
  return "$rc"
}

docker_ok() { timeout 10 docker info >/dev/null 2>&1; }

start_dockerd() {
  if docker_ok; then log "docker: engine answers"; return; fi
  if [ -n "${DOCKER_HOST:-}" ]; then
    log "docker: DOCKER_HOST=$DOCKER_HOST does not answer; not starting a local engine"; exit 1
  fi
  need_root
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $SUDO systemctl start docker || true
  fi
  if ! docker_ok; then
    log "docker: starting dockerd in the background (log: /var/log/labvisor-dockerd.log)"
    $SUDO sh -c 'nohup dockerd >/var/log/labvisor-dockerd.log 2>&1 &'
  fi
  for _ in $(seq 1 60); do
    if docker_ok; then log "docker: engine answers"; return; fi
    sleep 1
  done
  log "docker: dockerd did not answer within 60 s; see /var/log/labvisor-dockerd.log"
  tail -n 20 /var/log/labvisor-dockerd.log >&2 || true
  exit 1
}

# The arm64 guest's parts, as Debian packages that are downloaded, never installed: the cloud
# kernel (vmlinuz + modules; labvisor/kernel:6.1.0-NN-cloud-arm64 is made from it) and the static
# busybox (the arm64 labvisor/base and the guest kit). They live in /var/cache/labvisor/arm64:
# /var/cache is where the FHS puts data a program can fetch again, it is the machine's (this
# script runs as root, for every user and for CI) and not any user's data dir, and it survives
# reboots, unlike /tmp. LABVISOR_PACKAGE_CACHE moves the folder above arm64/ (the app reads the
# same variable: electron/engine/images/guest-packages.ts).
ARM64_CACHE="${LABVISOR_PACKAGE_CACHE:-/var/cache/labvisor}/arm64"
updated=""

# The package a metapackage depends on (linux-image-cloud-arm64 -> linux-image-6.1.0-NN-cloud-arm64).
depends_of() {
  apt-cache depends "$1" 2>/dev/null | sed -n 's/^ *Depends: \([^<>]*\)$/\1/p' | sed 's/:arm64$//' | grep '^linux-image-' | head -n 1
}

# name_version_arch.deb as apt-get download names it (an epoch's ":" becomes "%3a").
deb_file() {
  local version
  version=$(apt-cache policy "$1:arm64" 2>/dev/null | sed -n 's/^ *Candidate: //p')
  [ -n "$version" ] && [ "$version" != "(none)" ] || return 1
  printf '%s_%s_arm64.deb\n' "$1" "${version//:/%3a}"
}

fetch_arm64_assets() {
  if [ "$(dpkg --print-architecture)" = arm64 ]; then
    : # native: apt knows arm64 packages already
  elif [[ " $(dpkg --print-foreign-architectures | tr '\n' ' ') " != *" arm64 "* ]]; then
    need_root
    log "arm64: adding the arm64 architecture to dpkg (packages are downloaded, not installed)"
    $SUDO dpkg --add-architecture arm64
    $SUDO apt-get update -qq
    updated=1
  elif ! apt-cache show busybox-static:arm64 >/dev/null 2>&1 && [ -z "$updated" ]; then
    need_root
    $SUDO apt-get update -qq
    updated=1
  fi
  local kernel
  kernel=$(depends_of linux-image-cloud-arm64:arm64)
  if [ -z "$kernel" ]; then log "arm64: apt knows no linux-image-cloud-arm64:arm64"; exit 1; fi
  local pkg file wanted=() exec_again=""
  for pkg in "$kernel" busybox-static; do
    file=$(deb_file "$pkg") || { log "arm64: apt has no candidate for $pkg:arm64"; exit 1; }
    wanted+=("$file")
    if [ -s "$ARM64_CACHE/$file" ]; then continue; fi
    need_root
    log "arm64: downloading $pkg:arm64 into $ARM64_CACHE"
    $SUDO mkdir -p "$ARM64_CACHE"
    # apt-get download writes into the current folder; as root it warns that it cannot drop to _apt.
    (cd "$ARM64_CACHE" && $SUDO apt-get download -qq "$pkg:arm64" 2>&1 | grep -v 'unsandboxed as root' >&2 || true)
    if [ ! -s "$ARM64_CACHE/$file" ] && [ -z "$updated" ]; then
      # Lists older than the mirror name a file it no longer has: read them again, once.
      log "arm64: $file did not arrive; updating the package lists and trying again"
      $SUDO apt-get update -qq
      updated=1
      exec_again=1
      break
    fi
    [ -s "$ARM64_CACHE/$file" ] || { log "arm64: $file did not arrive"; exit 1; }
  done
  if [ -n "$exec_again" ]; then fetch_arm64_assets; return; fi
  # Older kernels and busyboxes go: the app takes what it finds here, and one of each is the answer.
  local old
  for old in "$ARM64_CACHE"/*.deb; do
    [ -e "$old" ] || continue
    [[ " ${wanted[*]} " == *" $(basename "$old") "* ]] && continue
    need_root
    log "arm64: removing the older $(basename "$old")"
    $SUDO rm -f "$old"
  done
  log "arm64: ${wanted[*]} in $ARM64_CACHE"
}

install_missing
fetch_arm64_assets
start_dockerd
