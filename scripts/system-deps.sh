#!/bin/sh
# Installs the Debian packages terrace's tests need, when they are missing:
#   libsecret-1-dev (keytar builds from source against it), gnome-keyring + dbus (a real Secret Service),
#   awscli (the real AWS CLI v2 at /usr/bin/aws), python3 (pseudo-terminal tests).
set -e
missing=""
pkg-config --exists libsecret-1 2>/dev/null || missing="$missing libsecret-1-dev pkg-config"
command -v gnome-keyring-daemon >/dev/null 2>&1 || missing="$missing gnome-keyring"
command -v dbus-run-session >/dev/null 2>&1 || missing="$missing dbus"
[ -x /usr/bin/aws ] || missing="$missing awscli"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
command -v g++ >/dev/null 2>&1 && command -v make >/dev/null 2>&1 || missing="$missing build-essential"
[ -z "$missing" ] && exit 0
echo "terrace: installing Debian packages:$missing" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
