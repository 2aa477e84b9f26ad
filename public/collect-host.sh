#!/bin/sh
# collect-host.sh — gather what IOVA Explorer needs to model this host's IOMMU setup.
#
# Read-only: it only reads files under /sys and /proc and runs lspci, dmesg and uname.
# Runs without root; whatever the kernel hides from an unprivileged user is listed as
# "=== unreadable NAME: REASON" (run it with sudo for lspci ACS bits, /proc/iomem and dmesg).
#
# Usage:  sh collect-host.sh > host-bundle.txt
#         sh collect-host.sh --root DIR   # read DIR/sys and DIR/proc instead (no commands run)
#
# Then: iova-explorer import host-bundle.txt   or   iova-explorer check host-bundle.txt --guest q35:ram=8G
# Output format: "# iova-explorer host bundle v1", then "=== NAME" sections holding each file as
# the kernel prints it.

ROOT=""
RUN_COMMANDS=1

usage() {
  echo "usage: sh collect-host.sh [--root DIR]"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --root)
      [ $# -ge 2 ] || { usage >&2; exit 2; }
      ROOT=$2
      RUN_COMMANDS=0
      shift 2
      ;;
    --root=*)
      ROOT=${1#--root=}
      RUN_COMMANDS=0
      shift
      ;;
    -h|--help)
      usage
      exit 0
      ;;
    *)
      echo "collect-host.sh: unknown option $1" >&2
      usage >&2
      exit 2
      ;;
  esac
done

if [ "$RUN_COMMANDS" -eq 0 ]; then
  if [ -z "$ROOT" ]; then
    echo "collect-host.sh: --root needs a directory (the copy holding sys/ and proc/)" >&2
    exit 2
  fi
  if [ ! -d "$ROOT" ]; then
    echo "collect-host.sh: --root $ROOT is not an existing directory" >&2
    exit 2
  fi
  # A relative root is read as ./ROOT, so a name like "-x" is never taken for an option.
  case "$ROOT" in /*) ;; *) ROOT="./$ROOT" ;; esac
fi

# Files are read only when they are regular files (never a FIFO or a link to /dev/zero, which
# would hang or never end), and at most this many bytes of each: sysfs and /proc files are small.
MAX_FILE_BYTES=4194304

# Names and values are printed one per line; one holding a line break would forge lines of its
# own (a fake "=== " section), so such entries are skipped and said to be.
NL='
'
CR=$(printf '\r')

# one_line TEXT: true when TEXT prints as a single line.
one_line() {
  case "$1" in
    *"$NL"*|*"$CR"*) return 1 ;;
  esac
  return 0
}

# capped FILE: the first MAX_FILE_BYTES bytes of a regular file, nothing for anything else.
capped() {
  [ -f "$1" ] && head -c "$MAX_FILE_BYTES" "$1" 2>/dev/null
}

section() {
  printf '=== %s\n' "$1"
}

# body: a section's text, with a missing final newline added. A line of the text that looks like a
# section marker ("=== ...", or one already escaped as "\=== ...") gets one more leading
# backslash, so a file cannot forge a section; the importer removes exactly one.
body() {
  awk '{ if ($0 ~ /^\\*=== /) print "\\" $0; else print }'
}

unreadable() {
  printf '=== unreadable %s: %s\n' "$1" "$2"
}

# dump PATH [LABEL]: print a file under ROOT as one section (awk adds a missing final newline;
# it reads a pipe, so a path holding "=" is never taken for an awk assignment).
dump() {
  f="$ROOT$1"
  if [ -f "$f" ] && [ -r "$f" ]; then
    section "$1"
    capped "$f" | body
  elif [ -f "$f" ]; then
    unreadable "$1" "permission denied"
  elif [ -e "$f" ]; then
    unreadable "$1" "not a regular file"
  else
    unreadable "$1" "${2:-not present}"
  fi
}

# skipped DIR: the entry of DIR whose name holds a line break.
skipped() {
  unreadable "$1/(a name with a line break)" "skipped"
}

# link_target PATH: where a symlink points (readlink where it exists, else ls -l).
link_target() {
  if command -v readlink >/dev/null 2>&1; then
    readlink "$1" 2>/dev/null
  else
    ls -l "$1" 2>/dev/null | sed 's/.* -> //'
  fi
}

printf '# iova-explorer host bundle v1\n'
if [ "$RUN_COMMANDS" -eq 1 ]; then
  printf '# collected by collect-host.sh as uid %s\n' "$(id -u 2>/dev/null || echo '?')"
else
  printf '# collected by collect-host.sh from a copy under --root (commands skipped)\n'
fi

# Kernel release and architecture: the files work for --root copies too.
dump /proc/sys/kernel/osrelease
if [ "$RUN_COMMANDS" -eq 1 ]; then
  section "uname -m"
  uname -m 2>/dev/null || echo unknown
else
  dump /proc/sys/kernel/arch "not present in the copy"
fi
dump /proc/cmdline

if [ -f "$ROOT/proc/cpuinfo" ] && [ -r "$ROOT/proc/cpuinfo" ]; then
  section "cpu vendor"
  capped "$ROOT/proc/cpuinfo" | grep -m 1 -E '^(vendor_id|CPU implementer)'
fi

# IOMMU groups: membership, reserved regions, default domain type.
GROUPS_DIR="$ROOT/sys/kernel/iommu_groups"
group_count=0
if [ -d "$GROUPS_DIR" ]; then
  for g in "$GROUPS_DIR"/*; do
    [ -d "$g" ] || continue
    group_count=$((group_count + 1))
  done
fi
section /sys/kernel/iommu_groups
if [ "$group_count" -gt 0 ]; then
  for g in "$GROUPS_DIR"/*; do
    [ -d "$g" ] || continue
    one_line "${g##*/}" || continue
    printf '%s\n' "${g##*/}"
  done
  for g in "$GROUPS_DIR"/*; do
    [ -d "$g" ] || continue
    n=${g##*/}
    one_line "$n" || { skipped /sys/kernel/iommu_groups; continue; }
    dump "/sys/kernel/iommu_groups/$n/type"
    dump "/sys/kernel/iommu_groups/$n/reserved_regions"
    section "/sys/kernel/iommu_groups/$n/devices"
    for d in "$g"/devices/*; do
      [ -e "$d" ] || [ -L "$d" ] || continue
      t=$(link_target "$d")
      if one_line "${d##*/}" && one_line "$t"; then
        printf '%s -> %s\n' "${d##*/}" "$t"
      else
        skipped "/sys/kernel/iommu_groups/$n/devices"
      fi
    done
  done
fi

# PCI devices: ids, class, driver, group, sysfs path (topology) and resources (BARs).
for d in "$ROOT"/sys/bus/pci/devices/*; do
  [ -e "$d" ] || continue
  bdf=${d##*/}
  one_line "$bdf" || { skipped /sys/bus/pci/devices; continue; }
  section "/sys/bus/pci/devices/$bdf"
  t=$(link_target "$d")
  one_line "$t" && printf 'path=%s\n' "$t"
  for attr in class vendor device; do
    if [ -f "$d/$attr" ] && [ -r "$d/$attr" ]; then
      # The first line only: these files hold one value.
      printf '%s=%s\n' "$attr" "$(capped "$d/$attr" | head -n 1)"
    fi
  done
  if [ -L "$d/driver" ]; then
    t=$(link_target "$d/driver")
    one_line "$t" && printf 'driver=%s\n' "${t##*/}"
  fi
  if [ -L "$d/iommu_group" ]; then
    t=$(link_target "$d/iommu_group")
    one_line "$t" && printf 'iommu_group=%s\n' "${t##*/}"
  fi
  if [ -r "$d/resource" ]; then
    dump "/sys/bus/pci/devices/$bdf/resource"
  fi
done

# IOMMU units: capability registers (world readable) and the devices behind each unit.
for u in "$ROOT"/sys/class/iommu/*; do
  [ -e "$u" ] || continue
  name=${u##*/}
  one_line "$name" || { skipped /sys/class/iommu; continue; }
  section "/sys/class/iommu/$name"
  for reg in intel-iommu/cap intel-iommu/ecap intel-iommu/address intel-iommu/version amd-iommu/cap amd-iommu/features; do
    if [ -e "$u/$reg" ]; then
      dump "/sys/class/iommu/$name/$reg"
    fi
  done
  if [ -d "$u/devices" ]; then
    section "/sys/class/iommu/$name/devices"
    for dev in "$u"/devices/*; do
      [ -e "$dev" ] || [ -L "$dev" ] || continue
      if one_line "${dev##*/}"; then
        printf '%s\n' "${dev##*/}"
      else
        skipped "/sys/class/iommu/$name/devices"
      fi
    done
  fi
done

# Module parameters: vfio_iommu_type1 and iommufd (absent when the module is not loaded).
for m in vfio_iommu_type1 iommufd; do
  if [ -d "$ROOT/sys/module/$m/parameters" ]; then
    for p in "$ROOT/sys/module/$m/parameters"/*; do
      [ -e "$p" ] || continue
      one_line "${p##*/}" || { skipped "/sys/module/$m/parameters"; continue; }
      dump "/sys/module/$m/parameters/${p##*/}"
    done
  else
    unreadable "/sys/module/$m/parameters" "not present (module not loaded or built in without parameters)"
  fi
done

# /proc/iomem: addresses read as zero without root; the importer says so.
dump /proc/iomem

if [ "$RUN_COMMANDS" -eq 1 ]; then
  if command -v lspci >/dev/null 2>&1; then
    section "lspci -vvv"
    lspci -D -nn -vvv 2>&1 | body
  else
    unreadable "lspci -vvv" "lspci is not installed (package pciutils)"
  fi
  if out=$(dmesg 2>&1); then
    section "dmesg (IOMMU lines)"
    printf '%s\n' "$out" | grep -E 'DMAR|AMD-Vi|IOMMU|iommu|SMMU|smmu|ITS|GICv2m|ACS|vfio|RMRR' 2>/dev/null | body
  else
    unreadable "dmesg" "$(printf '%s' "$out" | head -n 1) (kernel.dmesg_restrict: run with sudo)"
  fi
else
  unreadable "lspci -vvv" "skipped with --root"
  unreadable "dmesg" "skipped with --root"
fi

if [ "$group_count" -eq 0 ]; then
  section diagnosis
  echo "IOMMU not enabled: /sys/kernel/iommu_groups is empty or missing."
  cmdline=$(capped "$ROOT/proc/cmdline")
  vendor=$(capped "$ROOT/proc/cpuinfo" | grep -m 1 -E '^vendor_id')
  case "$cmdline" in
    *intel_iommu=off*|*amd_iommu=off*|*" iommu=off"*|iommu=off*)
      echo "The kernel command line turns the IOMMU off: remove intel_iommu=off / amd_iommu=off / iommu=off." ;;
    *)
      case "$vendor" in
        *GenuineIntel*) echo "Likely fix: add intel_iommu=on to the kernel command line and enable VT-d in the firmware setup." ;;
        *AuthenticAMD*) echo "Likely fix: enable IOMMU / AMD-Vi in the firmware setup (AMD-Vi is on by default in Linux)." ;;
        *) echo "Likely fix: intel_iommu=on (Intel), enable AMD-Vi in firmware (AMD), or check the SMMU in ACPI IORT / device tree (ARM; iommu.passthrough=0)." ;;
      esac ;;
  esac
fi
section end
