#!/bin/sh
# Builds ftvm's Linux guest from Debian's packages only (called by `make -C guests linux`):
#   images/linux/Image            the kernel (linux-source-6.1 + kernel.config on tinyconfig)
#   images/linux/initramfs.cpio  busybox (Debian's busybox source + busybox.config, static glibc), kvserver, init
#                                (uncompressed: 1.3 MiB, and the guest boots 28 M instructions faster without inflating)
#   images/linux/disk.ext4        an 8 MiB ext4 data disk (mke2fs -d), reproducible (fixed UUID, hash seed, times)
# Needs: gcc-riscv64-linux-gnu libc6-dev-riscv64-cross linux-source-6.1 bc flex bison e2fsprogs cpio, and a
# deb-src line for `apt-get source busybox`.
set -eu
export SOURCE_DATE_EPOCH=1767225600
here=$(cd "$(dirname "$0")" && pwd)
guests=$(dirname "$here")
build=${BUILD:-$guests/build/linux}
out=$guests/images/linux
jobs=$(nproc)
cross=riscv64-linux-gnu-
mkdir -p "$build" "$out"

# --- kernel
ksrc=$build/linux-source-6.1
if [ ! -d "$ksrc" ]; then
    tar -C "$build" -xf /usr/src/linux-source-6.1.tar.xz
fi
make -C "$ksrc" ARCH=riscv CROSS_COMPILE=$cross tinyconfig >/dev/null
(cd "$ksrc" && scripts/kconfig/merge_config.sh -m .config "$here/kernel.config" >/dev/null)
make -C "$ksrc" ARCH=riscv CROSS_COMPILE=$cross olddefconfig >/dev/null
make -C "$ksrc" ARCH=riscv CROSS_COMPILE=$cross KBUILD_BUILD_TIMESTAMP='2026-01-01' \
    KBUILD_BUILD_USER=ftvm KBUILD_BUILD_HOST=ftvm -j"$jobs" Image usr/gen_init_cpio
cp "$ksrc/arch/riscv/boot/Image" "$out/Image"

# --- busybox
bsrc=$(ls -d "$build"/busybox-1.* 2>/dev/null | head -1 || true)
if [ -z "$bsrc" ]; then
    (cd "$build" && apt-get source -q busybox)
    bsrc=$(ls -d "$build"/busybox-1.* | head -1)
fi
make -C "$bsrc" allnoconfig >/dev/null
# Busybox's kconfig keeps the first assignment of a symbol: drop allnoconfig's lines for every symbol the fragment
# sets before appending it.
keys=$(sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=.*/\1/p' -e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set/\1/p' \
    "$here/busybox.config" | paste -sd'|')
grep -v -E "^(# )?($keys)[= ]" "$bsrc/.config" > "$bsrc/.config.merged" || true
grep -v '^#' "$here/busybox.config" | grep . >> "$bsrc/.config.merged"
grep '^# CONFIG_.* is not set' "$here/busybox.config" >> "$bsrc/.config.merged" || true
mv "$bsrc/.config.merged" "$bsrc/.config"
yes '' | make -C "$bsrc" oldconfig >/dev/null
make -C "$bsrc" -j"$jobs" busybox busybox.links >/dev/null

# --- kvserver
${cross}gcc -O2 -static -Wall -Wextra -o "$build/kvserver" "$here/kvserver.c"
${cross}strip "$build/kvserver"

# --- initramfs (gen_init_cpio: fixed owners, and every file's time set to SOURCE_DATE_EPOCH first)
cp "$here/init" "$build/init"
cp "$bsrc/busybox" "$build/busybox"
touch -d "@$SOURCE_DATE_EPOCH" "$build/init" "$build/busybox" "$build/kvserver"
list=$build/initramfs.list
{
    echo "dir /bin 755 0 0"
    echo "dir /sbin 755 0 0"
    for d in dev proc sys tmp data etc root; do echo "dir /$d 755 0 0"; done
    echo "nod /dev/console 600 0 0 c 5 1"
    echo "file /init $build/init 755 0 0"
    echo "file /bin/busybox $build/busybox 755 0 0"
    echo "file /bin/kvserver $build/kvserver 755 0 0"
    for applet in $(sed 's|.*/||' "$bsrc/busybox.links" | sort -u); do
        [ "$applet" = busybox ] || echo "slink /bin/$applet busybox 777 0 0"
    done
} > "$list"
"$ksrc/usr/gen_init_cpio" -t 1767225600 "$list" > "$out/initramfs.cpio"
rm -f "$out/initramfs.cpio.gz"

# --- data disk
disk=$build/disk
rm -rf "$disk" && mkdir -p "$disk"
echo "ftvm data disk" > "$disk/README"
touch "$disk/.ftvm-data"
find "$disk" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
rm -f "$out/disk.ext4"
E2FSPROGS_FAKE_TIME=1767225600 mke2fs -q -t ext4 -b 1024 -U 6674766d-0000-4000-8000-000000000001 \
    -E hash_seed=6674766d-0000-4000-8000-000000000002,root_owner=0:0 -L ftvm-data -d "$disk" \
    "$out/disk.ext4" 8M
ls -l "$out"
