#!/bin/sh
# Installs the Debian packages terrace's tests need (npm test; the demo needs none of them), when they are missing.
# Without apt-get it names the missing packages and what each is for, and exits 1.
# TERRACE_DEPS_AWS_CLI overrides where the AWS CLI is expected (default /usr/bin/aws), for tests of this script.
set -e
aws_cli="${TERRACE_DEPS_AWS_CLI:-/usr/bin/aws}"
missing=""
why=""
need() {
  missing="$missing $1"
  why="$why
  $1: $2"
}
pkg-config --exists libsecret-1 2>/dev/null ||
  need "libsecret-1-dev pkg-config" "keytar (the OS keychain binding) builds from source against libsecret"
command -v gnome-keyring-daemon >/dev/null 2>&1 || need gnome-keyring "a real Secret Service for the keychain tests"
command -v dbus-run-session >/dev/null 2>&1 || need dbus "a private D-Bus session for the keychain tests"
[ -x "$aws_cli" ] || need awscli "the real AWS CLI v2 at $aws_cli, which the AWS CLI tests run"
command -v python3 >/dev/null 2>&1 || need python3 "the pseudo-terminal tests"
command -v g++ >/dev/null 2>&1 && command -v make >/dev/null 2>&1 || need build-essential "g++ and make, to build keytar"
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "terrace: the tests need packages that are missing, and apt-get is not here to install them:$why" >&2
  echo "Install them (Debian/Ubuntu names) with your system's package manager, then run npm test again." >&2
  exit 1
fi
echo "terrace: installing Debian packages:$missing" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
