# Sourced by .ci/run: puts the Node the image ships (.node-version, the Dockerfile's node:24) first
# on PATH, so CI tests what ships whatever Node the machine has. It comes from the npm registry's
# node-linux-<arch> package (a plain Node binary), kept under ~/.cache between runs.
want=$(tr -d ' \n' < .node-version)
if [ "$(node -v 2>/dev/null)" != "v$want" ]; then
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "use-node: no node-linux package for $(uname -m); install Node $want" >&2; exit 1 ;;
  esac
  dir="${XDG_CACHE_HOME:-$HOME/.cache}/crux-node/$want-$arch"
  if [ ! -x "$dir/bin/node" ]; then
    echo "installing Node $want (node-linux-$arch from the npm registry)"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-$arch@$want" >/dev/null && tar xzf "node-linux-$arch-$want.tgz")
    mkdir -p "$(dirname "$dir")"
    rm -rf "$dir"
    mv "$tmp/package" "$dir"
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
fi
echo "node $(node -v), npm $(npm -v)"
