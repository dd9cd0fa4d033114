#!/bin/sh
# Run a command inside a private D-Bus session with an unlocked gnome-keyring Secret Service, so keytar
# talks to a real OS keychain (used by the test suite; harmless elsewhere).
# Usage: scripts/with-keyring.sh <command> [args...]
set -e
if [ -n "$TERRACE_IN_KEYRING" ]; then exec "$@"; fi
if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  echo "with-keyring: dbus-run-session or gnome-keyring-daemon missing (apt-get install dbus gnome-keyring)" >&2
  exit 1
fi
export TERRACE_IN_KEYRING=1
# A throwaway keyring directory so a developer's own keyring is never touched.
KEYRING_HOME=$(mktemp -d)
export XDG_DATA_HOME="$KEYRING_HOME/data" XDG_RUNTIME_DIR="$KEYRING_HOME/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
trap 'rm -rf "$KEYRING_HOME"' EXIT
dbus-run-session -- sh -c 'printf "%s" "terrace-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' sh "$@"
