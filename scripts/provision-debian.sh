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
  [busybox-static]=/bin/busybox
  [linux-image-cloud-amd64]=/usr/share/doc/linux-image-cloud-amd64
  [chromium]=/usr/bin/chromium
  # The ssh:// engine test runs a private sshd of its own on 127.0.0.1; Labvisor's ssh:// engines use the client.
  [openssh-server]=/usr/sbin/sshd
  [openssh-client]=/usr/bin/ssh
  # The tcp:// + TLS engine test makes its certificates with it.
  [openssl]=/usr/bin/openssl
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

install_missing
start_dockerd
