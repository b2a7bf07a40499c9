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
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" iptables >/dev/null
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
