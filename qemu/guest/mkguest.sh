#!/bin/sh
# mkguest.sh builds the guest the qemu driver boots: a Debian kernel and a
# busybox initramfs whose init reports the vCPU count and MemTotal on the
# serial console and powers off when the ACPI power button is pressed.
#
#   qemu/guest/mkguest.sh [DIR]
#
# DIR defaults to $VMPLANE_VM_GUEST, else ${XDG_CACHE_HOME:-~/.cache}/vmplane/guest,
# which is where `vmplane serve --driver qemu` and the tests look. Everything
# comes from Debian packages through `apt-get download` (no root needed, no
# package is installed); the build takes a few seconds and is skipped when
# DIR already holds a guest built from the same kernel by this script.
set -eu

out=${1:-${VMPLANE_VM_GUEST:-${XDG_CACHE_HOME:-$HOME/.cache}/vmplane/guest}}
# The cloud kernel: an LZ4 bzImage that boots in about 2 s under TCG, and
# still ships the two modules ACPI power-off needs (button.ko, evdev.ko).
meta=${VMPLANE_GUEST_KERNEL:-linux-image-cloud-amd64}

pkg=$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
if [ -z "$pkg" ]; then
	echo "mkguest: cannot resolve $meta (run apt-get update first)" >&2
	exit 1
fi
kver=${pkg#linux-image-}
stamp="$pkg $(cksum <"$0" | cut -d' ' -f1)"
# Test runs and CI may build at the same time: one builds, the others wait
# and find the guest up to date.
mkdir -p "$(dirname "$out")"
exec 9>"$out.lock"
flock 9
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ]; then
	echo "mkguest: $out is up to date ($pkg)"
	exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download -q "$pkg" busybox-static >/dev/null 2>&1 || apt-get download "$pkg" busybox-static
dpkg-deb -x "$pkg"_*.deb kernel
dpkg-deb -x busybox-static_*.deb busybox

root=$work/rootfs
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/etc/acpi/PWRF" "$root/lib/modules"
cp busybox/bin/busybox "$root/bin/busybox"
for a in sh mount nproc cat grep sleep poweroff insmod acpid tr echo; do
	ln -s busybox "$root/bin/$a"
done
mods=kernel/lib/modules/$kver/kernel/drivers
cp "$mods/acpi/button.ko" "$mods/input/evdev.ko" "$root/lib/modules/"

# The lines starting with VMPROBE are what the driver reads from the serial
# console: the guest's own view of its size, then "ready" once the power
# button is handled (a press before that is lost, so the driver waits).
cat >"$root/init" <<'INIT'
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
insmod /lib/modules/evdev.ko
insmod /lib/modules/button.ko
echo "VMPROBE nproc=$(nproc) $(grep MemTotal /proc/meminfo | tr -s ' ')"
acpid -c /etc/acpi -l /dev/null
echo "VMPROBE ready"
while true; do sh </dev/console >/dev/console 2>&1; sleep 1; done
INIT
cat >"$root/etc/acpi/PWRF/00000080" <<'PWRF'
#!/bin/sh
echo "VMPROBE acpi power button -> poweroff" >/dev/console
/bin/poweroff -f
PWRF
chmod +x "$root/init" "$root/etc/acpi/PWRF/00000080"

# Each file is renamed into place, so a VM starting meanwhile reads either
# the old file or the new one, never a part.
mkdir -p "$out"
cp "kernel/boot/vmlinuz-$kver" "$out/.vmlinuz.new"
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$out/.initramfs.cpio.gz.new"
mv -f "$out/.vmlinuz.new" "$out/vmlinuz"
mv -f "$out/.initramfs.cpio.gz.new" "$out/initramfs.cpio.gz"
echo "$stamp" >"$out/stamp"
echo "mkguest: built $out ($pkg)"
