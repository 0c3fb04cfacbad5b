#!/usr/bin/env python3
"""Strata's benchmarks: figures only, nothing here asserts on time.

Usage: tests/bench.py [--skip-bochs] [--skip-vm] [--skip-linux] [--skip-qemu]
                      [--only-linux]

Prints one line per figure, stable for scripts:

    bench: NAME VALUE UNIT (context)

1. Image sizes: build/strata.elf as a file, its loadable parts from the
   ELF program headers, and the GNU-EFI loader build/efi/BOOTX64.EFI.
2. Instructions from kernel entry to "strata: ready" under Bochs (BIOS +
   ISO, corei7_skylake_x, clock sync=none), 1 and 2 CPUs, each run twice.
   The kernel prints "strata: boot took N tsc ticks from kernel entry"; with
   sync=none Bochs's TSC advances one tick per instruction, so N counts the
   boot CPU's instructions (HLT skips ahead, so idle waits count as ticks).
3. VM figures under Bochs with ONE CPU and clock sync=none, where the TSC
   advances one tick per instruction on the only CPU (two CPUs make it
   coarse: tests/guests/README.md), each run twice to show repeatability:
   - exit round trips measured by the guest: rdtsc.elf's BENCH lines, the
     minimum over 1000 rounds of RDTSC-to-RDTSC around one CPUID (leaf 0),
     one OUT to the UART (scratch register) and one VMCALL (unknown number),
     then the local APIC: a MOV to the xAPIC TPR (MMIO, emulated), a WRMSR
     of the x2APIC EOI, and a timer interrupt (WRMSR of a one-APIC-tick
     one-shot to the handler's first instruction, an RDTSC).
     Each includes the probe's own few guest instructions (empty_ticks).
   - instructions from VM start to the guest's first instruction: a 43-byte
     multiboot kernel (a.out-kludge header, built here) whose first
     instruction is RDTSC and whose second act writes the TSC's low 32 bits
     to the exit port, so Strata logs "exited code=TSC". The kernel logs
     "strata: vm NAME start tsc=T setup_ticks=S hypervisor_bytes=B" with T
     read on entry to vmm_start(); the figure is (code - T) mod 2^32.
     S, vmm_start()'s own part, is printed as vm.create, also for 64 MiB.
   - hypervisor memory per VM: B from the same line, the free memory
     (kmem_free_bytes()) before vmm_start() minus after, minus guest RAM:
     EPT tables, the VMCS page, page tables of the hypervisor's loading
     window. Plus the static per-VM-slot state (struct vm with its console
     ring, the VT-x per-VM and per-vCPU structs), reserved in .bss for all
     VM_MAX slots at build time, read from the kernel's symbol table.
4. Linux bare versus under Strata (issue 4's bench), one run of each in the
   same Bochs configuration (1 CPU, corei7_skylake_x, sync=none, megs 512):
   Debian's kernel (build/linux/vmlinuz, `make linux-assets`), one initramfs
   and one command line (tests/configs/bench/linux.conf's cmdline), booted
   bare by GRUB from an ISO built here like tests/linux/mkiso.sh's, and as
   the only VM of Strata (that config, the VM pinned to CPU 0). The
   initramfs is tests/linux/init.sh's plus /bin/tscinit, a 13 KB static
   program built here and started by the kernel (rdinit=/bin/tscinit): its
   first instruction is RDTSC, it prints "BENCH rdinit_tsc=N" and execs
   /init, whose first line is "LINUX: init started". The guest's TSC is
   Bochs's tick counter in both runs (Strata sets no TSC offset), so:
   - boot: ticks from the kernel's first instruction to tscinit's RDTSC.
     Kernel entry bare: the bochs.log tick of verify_cpu's MSR 0x1a0 read
     in startup_32 (tests/linux/boot_bare.py's bochs_ticks); under Strata:
     the VM's start line, tsc + setup_ticks (the end of vmm_start(); the
     guest's first instruction follows after the host's log lines).
     printk timestamps and /proc/uptime cannot serve here: the kernel's
     clocks count from its own start of sched_clock and ran on jiffies
     before the TSC took over (bare, "Run /init" says 7.1 s for 1.8 s of
     TSC).
   - wall time of each whole Bochs run (process start to exit, BIOS to
     power-off, workload included).
   - the workload (strata.workload=1): /init's loop_ns, gzip_ns, fork_ns,
     total_ns from the guest's clocksource (tsc), converted back to ticks
     with the tsc_mhz each guest reports (the kernels calibrate differently
     bare and under Strata); ratios are Strata over bare, in ticks.
   The cmdline makes both guests do the same work (the config explains
   each word): console=ttyS0,115200 (at the default 9600 baud Bochs paces
   the bare console at ~52,000 instructions a character, most of the bare
   boot), mem=160M (the VM's RAM), tsc_early_khz=50000 (Bochs's ips, the
   rate of its PIT, PM timer and HPET, which Strata reports too; bare, the
   kernel would take 3.5 GHz from CPUID 0x15, its clock would run 70x
   slower than the devices and its LAPIC timer fire ~10x too often).
   The aims of issue 4 (workload <= 1.05, boot <= 1.15) are printed as
   context, not checked.
5. QEMU + OVMF (TCG) wall time from process start to "strata: ready" on
   serial, 1 and 4 CPUs, median of 3 runs. Wall time on this machine only:
   it moves with host load.

Media are built as tests/run_tests.py builds them, with
tests/configs/boot.conf (exit_when_idle = yes: every run ends by itself);
the VM runs use configs written to build/bench/. Logs stay in
build/test-runs/bench-*/. Exit status is 1 if a figure could not be taken
(a run did not reach ready, a line was missing), never because of its value.
"""
import argparse
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "integration"))
sys.path.insert(0, os.path.join(HERE, "linux"))
os.chdir(os.path.dirname(HERE))  # run_tests and emu use paths relative to the repo

import emu  # noqa: E402
import run_tests  # noqa: E402

CONFIG = "tests/configs/boot.conf"
BOOT_TICKS = re.compile(r"^strata: boot took (\d+) tsc ticks from kernel entry$")
READY = r"^strata: ready\r?$"

PT_LOAD = 1
PF_X, PF_W = 1, 2

problems = []


def emit(name, value, unit, context):
    print("bench: %s %s %s (%s)" % (name, value, unit, context), flush=True)


def missing(name, why):
    print("bench: %s n/a (%s)" % (name, why), flush=True)
    problems.append(name)


def elf_load_sizes(path):
    """Bytes of text, rodata, data and bss from an ELF64's PT_LOAD headers.

    Executable segments count as text, read-only ones as rodata, writable
    ones as data (file size) plus bss (memory size beyond the file size).
    """
    with open(path, "rb") as f:
        ident = f.read(64)
        if ident[:4] != b"\x7fELF" or ident[4] != 2 or ident[5] != 1:
            raise ValueError("%s: not a little-endian ELF64 file" % path)
        e_phoff, = struct.unpack_from("<Q", ident, 0x20)
        e_phentsize, e_phnum = struct.unpack_from("<HH", ident, 0x36)
        f.seek(e_phoff)
        table = f.read(e_phentsize * e_phnum)
    sizes = {"text": 0, "rodata": 0, "data": 0, "bss": 0}
    for i in range(e_phnum):
        p_type, p_flags, _off, _va, _pa, filesz, memsz, _align = struct.unpack_from(
            "<IIQQQQQQ", table, i * e_phentsize)
        if p_type != PT_LOAD:
            continue
        if p_flags & PF_X:
            sizes["text"] += filesz
        elif p_flags & PF_W:
            sizes["data"] += filesz
        else:
            sizes["rodata"] += filesz
        sizes["bss"] += memsz - filesz
    return sizes


def bench_sizes():
    kernel, loader = run_tests.KERNEL, run_tests.LOADER
    emit("kernel.file", os.path.getsize(kernel), "bytes", kernel + ", with symbols and debug info")
    s = elf_load_sizes(kernel)
    emit("kernel.text", s["text"], "bytes", "PT_LOAD executable, file size")
    emit("kernel.rodata", s["rodata"], "bytes", "PT_LOAD read-only, file size")
    emit("kernel.data", s["data"], "bytes", "PT_LOAD writable, file size")
    emit("kernel.loadable", s["text"] + s["rodata"] + s["data"], "bytes",
         "text+rodata+data, what a loader copies")
    emit("kernel.bss", s["bss"], "bytes", "PT_LOAD memory size beyond file size, zero-filled")
    emit("loader.file", os.path.getsize(loader), "bytes", loader + ", GNU-EFI PE32+")


def bochs_ticks(iso, cpus, attempt):
    name = "bench-bochs-%dcpu-%d" % (cpus, attempt)
    r = emu.run_bochs(name, iso=iso, cpus=cpus)
    for line in r.lines:
        m = BOOT_TICKS.match(line)
        if m:
            return int(m.group(1)), None
    why = "timed out" if r.timed_out else "exit %s" % r.returncode
    return None, "no boot-time line, %s; logs: build/test-runs/%s/" % (why, name)


def bench_bochs(iso):
    for cpus in (1, 2):
        name = "bochs.instructions_to_ready.%dcpu" % cpus
        runs = []
        for attempt in (1, 2):
            ticks, why = bochs_ticks(iso, cpus, attempt)
            if ticks is None:
                missing(name, why)
                break
            runs.append(ticks)
        else:
            same = "equal" if runs[0] == runs[1] else "NOT equal, differ by %d" % abs(
                runs[0] - runs[1])
            emit(name, runs[0], "instructions",
                 "Bochs BIOS+ISO corei7_skylake_x sync=none, boot CPU, kernel entry to "
                 "ready; run 2: %d, %s" % (runs[1], same))


# --- VM figures (Bochs, 1 CPU) ------------------------------------------

BENCH_DIR = os.path.join(run_tests.BUILD, "bench")
VM_START = re.compile(r"^strata: vm (\S+) start tsc=(\d+) setup_ticks=(\d+) "
                      r"hypervisor_bytes=(\d+)$")
VM_EXITED = re.compile(r"^strata: vm (\S+) exited code=(\d+)$")
GUEST_BENCH = re.compile(r"^BENCH (\w+)=(\d+)$")

# The reference points of issue 3 and the bench brief, printed as context.
CPUID_MINIMAL_HANDLER = 92
CPUID_TARGET = 120
KVM_CPUID = "958"
KVM_PORT_WRITE_USER = "2,959"
# TESTING.md: Bochs paces COM1 at about this many instructions per character.
SERIAL_TICKS_PER_CHAR = 4300

RDTSC_CONF = """\
# Written by tests/bench.py: exit path lengths (rdtsc.elf), and the
# hypervisor memory of an 8 MiB and a 64 MiB VM.
[host]
log_level = info
exit_when_idle = yes

[vm rdtsc]
memory = 8M
cpus = 0
kernel = guests/rdtsc.elf

[vm big]
memory = 64M
cpus = 0
kernel = guests/entry.bin
"""

ENTRY_CONF = """\
# Written by tests/bench.py: VM start to the guest's first instruction. One
# VM only, so nothing else is created between its start and its entry.
[host]
log_level = info
exit_when_idle = yes

[vm entry]
memory = 8M
cpus = 0
kernel = guests/entry.bin
"""


def entry_image():
    """A multiboot kernel whose first instruction is RDTSC.

    Multiboot 0.6.96 section 3.1.3: with flags bit 16 the header's address
    fields place the file at load_addr and name the entry, so no ELF is
    needed and nothing runs before the RDTSC. Strata enters it in 32-bit
    protected mode (EAX = magic, EBX = info); it reports the TSC's low 32
    bits through the exit port (STRATA_EXIT_PORT, a 32-bit OUT).
    """
    magic, flags, base = 0x1BADB002, 0x00010000, 0x100000
    header = struct.pack("<8I", magic, flags, (-(magic + flags)) & 0xFFFFFFFF,
                         base,          # header_addr: the header is the file's first byte
                         base,          # load_addr
                         0,             # load_end_addr: the whole file
                         0,             # bss_end_addr: no bss
                         base + 32)     # entry_addr: right after this header
    code = bytes([
        0x0F, 0x31,                     # rdtsc              the guest's first instruction
        0xBA, 0xF4, 0x00, 0x00, 0x00,   # mov  $0xf4, %edx   STRATA_EXIT_PORT
        0xEF,                           # out  %eax, (%dx)   exit code = TSC[31:0]
        0xF4,                           # 1: hlt             (the VM is stopped by now)
        0xEB, 0xFD,                     # jmp  1b
    ])
    return header + code


def build_vm_media(name, conf_text, guests, extra):
    """build_media() with a generated config and guest files.

    guests are copied from build/guests/ as usual; extra maps file names
    to bytes written beside them in build/bench/guests/.
    """
    gdir = os.path.join(BENCH_DIR, "guests")
    os.makedirs(gdir, exist_ok=True)
    for g in guests:
        shutil.copy(os.path.join(run_tests.GUESTS, g), os.path.join(gdir, g))
    for g, data in extra.items():
        with open(os.path.join(gdir, g), "wb") as f:
            f.write(data)
    conf = os.path.join(BENCH_DIR, name + ".conf")
    with open(conf, "w") as f:
        f.write(conf_text)
    saved = run_tests.GUESTS
    run_tests.GUESTS = gdir  # build_media copies the named guests from here
    try:
        return run_tests.build_media(name, conf, list(guests) + list(extra))
    finally:
        run_tests.GUESTS = saved


def vm_run(iso, run, stop_vm):
    """One 1-CPU Bochs run; (lines, None) or (None, why)."""
    r = emu.run_bochs(run, iso=iso, cpus=1, timeout=300)
    if any(re.match(r"^strata: vm %s (exited|stopped)" % re.escape(stop_vm), l)
           for l in r.lines):
        return r.lines, None
    why = "timed out" if r.timed_out else "exit %s" % r.returncode
    return None, "vm %s did not end, %s; logs: build/test-runs/%s/" % (stop_vm, why, run)


def start_line(lines, vm):
    for line in lines:
        m = VM_START.match(line)
        if m and m.group(1) == vm:
            return int(m.group(2)), int(m.group(3)), int(m.group(4))
    return None


def repeat_note(values):
    a, b = values
    return "run 2: %s, %s" % (b, "equal" if a == b else "NOT equal, differ by %d" % abs(a - b))


def bench_vm_exits():
    _, iso = build_vm_media("bench-vm-rdtsc", RDTSC_CONF, ["rdtsc.elf"],
                            {"entry.bin": entry_image()})
    runs = []
    for attempt in (1, 2):
        run = "bench-vm-rdtsc-%d" % attempt
        lines, why = vm_run(iso, run, "rdtsc")
        if lines is None:
            for n in ("vm.cpuid_exit", "vm.out_exit", "vm.vmcall_exit", "vm.xapic_mmio_write",
                      "vm.x2apic_msr_write", "vm.timer_interrupt",
                      "vm.hypervisor_memory.8mib", "vm.hypervisor_memory.64mib"):
                missing(n, why)
            return None
        figures = {}
        for line in run_tests.vm_lines(lines, "rdtsc"):
            m = GUEST_BENCH.match(line)
            if m:
                figures[m.group(1)] = int(m.group(2))
        for vm in ("rdtsc", "big"):
            s = start_line(lines, vm)
            if s:
                figures["setup_" + vm] = s[1]
                figures["hv_bytes_" + vm] = s[2]
        figures["log"] = "build/test-runs/%s/" % run
        runs.append(figures)

    where = ("guest RDTSC-to-RDTSC, min of 1000, Bochs 1 CPU sync=none: 1 tick = 1 "
             "instruction, hypervisor exit path included")

    def exit_figure(name, key, what, reference):
        vals = [f.get(key) for f in runs]
        if None in vals:
            missing(name, "no 'BENCH %s=' line from rdtsc.elf; logs: %s" % (key, runs[0]["log"]))
            return
        empty = runs[0].get("empty_ticks", 0)
        emit(name, vals[0], "ticks", "%s; %s; %s; net of the probe's own %d (empty_ticks): %d; "
             "%s" % (what, where, repeat_note(vals), empty, vals[0] - empty, reference))

    exit_figure("vm.cpuid_exit", "cpuid_ticks", "CPUID leaf 0 exit round trip",
                "reference: minimal handler %d, target <= %d; KVM %s (hardware cycles, "
                "another unit)" % (CPUID_MINIMAL_HANDLER, CPUID_TARGET, KVM_CPUID))
    exit_figure("vm.out_exit", "out_ticks", "OUT of one byte to the UART scratch register "
                "(device model in the hypervisor)",
                "reference: KVM port write handled in user space %s (hardware cycles, "
                "another unit)" % KVM_PORT_WRITE_USER)
    exit_figure("vm.pmtimer_read", "pmtimer_in_ticks", "IN of 32 bits from the ACPI PM timer "
                "(port 0x608; Linux reads it three times per sample and refines tsc-early "
                "only when a sample takes under tsc_khz/32 ticks)", "no reference figure")
    exit_figure("vm.vmcall_exit", "vmcall_ticks", "VMCALL with an unknown number "
                "(returns an error code)", "no reference figure")
    exit_figure("vm.xapic_mmio_write", "xapic_mmio_write_ticks", "MOV of 0 to the xAPIC "
                "TPR at 0xfee00080: EPT violation, instruction fetched through the guest's "
                "page tables, decoded and emulated against the virtual local APIC",
                "no reference figure")
    exit_figure("vm.x2apic_msr_write", "x2apic_eoi_wrmsr_ticks", "WRMSR 0x80b (x2APIC EOI, "
                "nothing in service) after IA32_APIC_BASE.EXTD is set", "no reference figure")
    exit_figure("vm.timer_interrupt", "timer_inject_ticks", "local APIC timer interrupt: "
                "from the RDTSC before a WRMSR 0x838 that starts a one-shot of one APIC tick "
                "(divide by 1, vector 0x40, IF=1) to the RDTSC that is the first instruction "
                "of the vector's IDT handler; it includes that WRMSR's exit (compare "
                "vm.x2apic_msr_write), the timer firing, the injection on the next entry and "
                "the guest's IDT delivery", "no reference figure")

    for vm, mib in (("rdtsc", 8), ("big", 64)):
        name = "vm.hypervisor_memory.%dmib" % mib
        vals = [f.get("hv_bytes_" + vm) for f in runs]
        if None in vals:
            missing(name, "no 'strata: vm %s start' line; logs: %s" % (vm, runs[0]["log"]))
            continue
        emit(name, vals[0], "bytes",
             "%d MiB 1-vCPU VM: kmem free before vmm_start() minus after, minus guest RAM "
             "(EPT tables, VMCS page, page tables of the loading window); %s"
             % (mib, repeat_note(vals)))
    big = [f.get("setup_big") for f in runs]
    return None if None in big else big


def bench_vm_entry(big_setups):
    """big_setups: setup_ticks of the 64 MiB VM of the rdtsc runs, or None."""
    _, iso = build_vm_media("bench-vm-entry", ENTRY_CONF, [], {"entry.bin": entry_image()})
    totals, setups, logged = [], [], None
    for attempt in (1, 2):
        run = "bench-vm-entry-%d" % attempt
        lines, why = vm_run(iso, run, "entry")
        start = start_line(lines, "entry") if lines else None
        code = None
        for line in lines or []:
            m = VM_EXITED.match(line)
            if m and m.group(1) == "entry":
                code = int(m.group(2))
        if start is None or code is None:
            missing("vm.start_to_first_instruction",
                    why or "no start or exited line for vm entry; logs: build/test-runs/%s/"
                    % run)
            return
        totals.append((code - start[0]) % (1 << 32))
        setups.append(start[1])
        if logged is None:
            # Host log lines printed between vmm_start() and the guest's entry.
            i = next(i for i, l in enumerate(lines) if VM_START.match(l))
            j = next((j for j, l in enumerate(lines) if l == "strata: ready"), i)
            logged = sum(len(l) + 2 for l in lines[i:j + 1])  # with CR LF
    emit("vm.start_to_first_instruction", totals[0], "instructions",
         "Bochs 1 CPU sync=none, 8 MiB 1-vCPU VM of a %d-byte multiboot image, the only VM: "
         "TSC at the guest's first instruction (RDTSC) minus TSC on entry to vmm_start(); "
         "%d of it is vm.create.8mib, the other %d mostly the boot CPU writing ~%d characters "
         "of host log to polled COM1 (Bochs paces it at roughly %d instructions per "
         "character) before its scheduler runs, then the first pick, VMCS setup (done at "
         "the first run) and VMLAUNCH; %s"
         % (len(entry_image()), setups[0], totals[0] - setups[0], logged,
            SERIAL_TICKS_PER_CHAR, repeat_note(totals)))
    what = ("vmm_start() alone (its setup_ticks): slot, guest RAM frames (zeroed by the "
            "allocator) and their hypervisor mapping, image load and multiboot info, devices, "
            "EPT build, VMCS page")
    emit("vm.create.8mib", setups[0], "instructions",
         "%s; 8 MiB VM of vm.start_to_first_instruction; %s" % (what, repeat_note(setups)))
    if big_setups:
        emit("vm.create.64mib", big_setups[0], "instructions",
             "the same for the 64 MiB VM of the exit runs (grows with RAM: zeroing); %s"
             % repeat_note(big_setups))
    else:
        missing("vm.create.64mib", "no setup_ticks for vm big (see the exit runs above)")


def bench_vm_static():
    """Per-slot .bss of the VM tables: nm -S on the kernel, VM_MAX from kernel/vm.h."""
    name = "vm.static_per_slot"
    tables = ("vm_table", "vm_arch_store", "vcpu_arch_store")
    try:
        out = subprocess.run(["nm", "-S", run_tests.KERNEL], capture_output=True, text=True,
                             check=True).stdout
        with open("kernel/vm.h") as f:
            vm_max = int(re.search(r"^#define VM_MAX\s+(\d+)", f.read(), re.M).group(1))
    except (OSError, subprocess.CalledProcessError, AttributeError) as e:
        missing(name, "cannot read the symbol table or VM_MAX: %s" % e)
        return
    sizes = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] in tables:
            sizes[parts[3]] = int(parts[1], 16)
    if set(sizes) != set(tables):
        missing(name, "symbols not found in %s: %s" % (
            run_tests.KERNEL, " ".join(t for t in tables if t not in sizes)))
        return
    emit(name, sum(sizes.values()) // vm_max, "bytes",
         "static, reserved in .bss for all %d slots at build time: %s, divided by VM_MAX"
         % (vm_max, " + ".join("%s %d" % (t, sizes[t]) for t in tables)))


# --- Linux bare versus under Strata (Bochs, 1 CPU) ----------------------

LINUX_CONF = "tests/configs/bench/linux.conf"
LINUX_ASSETS = os.path.join(run_tests.BUILD, "linux")
LINUX_OUT = os.path.join(BENCH_DIR, "linux")
LINUX_MEGS = 512              # Bochs's RAM in both runs
LINUX_TIMEOUT = 1800          # s per run; a run takes ~2-5 min
LINUX_STOP = [r"Kernel panic - not syncing"]
BOOT_AIM, WORKLOAD_AIM = 1.15, 1.05
RDINIT_TSC = re.compile(r"^BENCH rdinit_tsc=(\d+)$")
WORKLOAD = re.compile(r"^LINUX: workload loop_ns=(\d+) gzip_ns=(\d+) fork_ns=(\d+) "
                      r"total_ns=(\d+)$")
WORKLOAD_PARTS = ("loop", "gzip", "fork", "total")
WORKLOAD_WHAT = {
    "loop": "busybox ash loop of strata.loop iterations (default 30000)",
    "gzip": "gzip -c of a generated 4 MiB file in tmpfs",
    "fork": "fork+exec of /bin/true, strata.forks times (default 500)",
    "total": "loop + gzip + fork",
}

# /bin/tscinit: the initramfs's first program (rdinit=), so the moment the
# kernel hands over to user space is read with RDTSC the same way bare and
# under Strata. busybox cannot run RDTSC. The kernel opens /dev/console as
# fds 0-2 before it starts it; the environment it built for init goes on to
# /init.
TSCINIT_C = r"""
/* Written by tests/bench.py: rdinit= of the bench's Linux guest. */
static long sys3(long n, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}

__attribute__((used)) void tscinit_main(long *sp)
{
	unsigned int lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	unsigned long t = ((unsigned long)hi << 32) | lo;
	static char line[64] = "BENCH rdinit_tsc=";
	static char *argv[] = { "/init", 0 };
	char digits[24];
	int n = 0, len = 17;

	do {
		digits[n++] = (char)('0' + t % 10);
		t /= 10;
	} while (t);
	while (n)
		line[len++] = digits[--n];
	line[len++] = '\n';
	sys3(1, 1, (long)line, len);                             /* write(1, ...) */
	sys3(59, (long)"/init", (long)argv, (long)(sp + sp[0] + 2)); /* execve, envp */
	sys3(60, 127, 0, 0);                                     /* exit */
}

__asm__(".globl _start\n_start:\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n"
	"\tcall tscinit_main\n\thlt\n");
"""

# tests/linux/mkiso.sh's grub.cfg, with this bench's initramfs.
BARE_GRUB_CFG = """\
# Generated by tests/bench.py (as tests/linux/mkiso.sh does)
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout_style=hidden
set timeout=0
menuentry "Linux (bare)" {
	linux /vmlinuz %s
	initrd /initramfs.cpio.gz
	boot
}
"""


def conf_cmdline(path):
    """The cmdline value of a Strata config (ini.h: double quotes, \\" and \\\\)."""
    with open(path) as f:
        for line in f:
            m = re.match(r'^\s*cmdline\s*=\s*"((?:[^"\\]|\\.)*)"\s*$', line)
            if m:
                return re.sub(r"\\(.)", r"\1", m.group(1))
            m = re.match(r"^\s*cmdline\s*=\s*(\S.*?)\s*$", line)
            if m:
                return m.group(1)
    raise ValueError("%s: no cmdline" % path)


def linux_media():
    """(cmdline, bare ISO, Strata ISO): one kernel, one initramfs, one cmdline."""
    vmlinuz = os.path.join(LINUX_ASSETS, "vmlinuz")
    busybox = os.path.join(LINUX_ASSETS, "busybox")
    if not (os.path.exists(vmlinuz) and os.path.exists(busybox)):
        subprocess.run(["make", "-s", "linux-assets"], check=True)
    os.makedirs(LINUX_OUT, exist_ok=True)
    src = os.path.join(LINUX_OUT, "tscinit.c")
    tscinit = os.path.join(LINUX_OUT, "tscinit")
    with open(src, "w") as f:
        f.write(TSCINIT_C)
    subprocess.run(["gcc", "-static", "-nostdlib", "-nostartfiles", "-O2", "-ffreestanding",
                    "-fno-builtin", "-fno-stack-protector", "-fno-pie", "-no-pie",
                    "-fcf-protection=none", "-s", "-Wall", "-Wextra", "-Werror", "-o", tscinit,
                    src], check=True)
    initramfs = os.path.join(LINUX_OUT, "initramfs.cpio.gz")
    subprocess.run(["python3", "tests/linux/mkinitramfs.py", "--busybox", busybox,
                    "--init", "tests/linux/init.sh", "--out", initramfs,
                    "--file", "%s=/bin/tscinit" % tscinit], check=True, stdout=subprocess.DEVNULL)
    cmdline = conf_cmdline(LINUX_CONF)
    ips = int(re.search(r"\bips=(\d+)", emu.BOCHSRC).group(1))
    m = re.search(r"\btsc_early_khz=(\d+)", cmdline)
    if not m or int(m.group(1)) != ips // 1000:
        print("bench.py: warning: %s: tsc_early_khz should be %d, Bochs's ips / 1000"
              % (LINUX_CONF, ips // 1000), file=sys.stderr)

    root = os.path.join(LINUX_OUT, "bare-root")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "boot", "grub"))
    shutil.copy(vmlinuz, os.path.join(root, "vmlinuz"))
    shutil.copy(initramfs, os.path.join(root, "initramfs.cpio.gz"))
    with open(os.path.join(root, "boot", "grub", "grub.cfg"), "w") as f:
        f.write(BARE_GRUB_CFG % cmdline)
    bare_iso = os.path.join(LINUX_OUT, "bare.iso")
    subprocess.run(["grub-mkrescue", "-o", bare_iso, root], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(root)

    _, strata_iso = run_tests.build_media(
        "bench-linux", LINUX_CONF,
        extra={"linux/vmlinuz": vmlinuz, "linux/initramfs.cpio.gz": initramfs})
    return cmdline, bare_iso, strata_iso


def linux_run(run, iso, guest_lines):
    """One 1-CPU Bochs run: dict of what was seen, with 'why' when it went wrong."""
    start = time.monotonic()
    r = emu.run_bochs(run, iso=iso, cpus=1, memory=LINUX_MEGS, timeout=LINUX_TIMEOUT,
                      stop_at=LINUX_STOP)
    got = {"wall": time.monotonic() - start, "log": "build/test-runs/%s/" % run, "r": r}
    lines = guest_lines(r.lines)
    for line in lines:
        m = RDINIT_TSC.match(line)
        if m and "user" not in got:
            got["user"] = int(m.group(1))
        m = WORKLOAD.match(line)
        if m:
            got["workload"] = dict(zip(WORKLOAD_PARTS, map(int, m.groups())))
        for key in ("tsc_mhz", "gzip_bytes", "timer_irqs"):
            if line.startswith("LINUX: workload %s=" % key):
                got[key] = line.split("=", 1)[1]
    if "LINUX: init started" not in lines:
        got["why"] = "/init never started"
    elif "LINUX: powering off" not in lines:
        got["why"] = "no 'LINUX: powering off'"
    if "why" in got:
        got["why"] += ", %s, exit %s%s; logs: %s" % (
            "timed out" if r.timed_out else "ended", r.returncode,
            "" if not any("Kernel panic" in l for l in r.lines) else ", kernel panic", got["log"])
    return got


def bench_linux():
    import boot_bare  # tests/linux/: the kernel-entry tick in bochs.log
    cmdline, bare_iso, strata_iso = linux_media()
    where = "Bochs 1 CPU corei7_skylake_x sync=none megs %d, one run" % LINUX_MEGS

    bare = linux_run("bench-linux-bare", bare_iso, lambda lines: lines)
    bare["entry"], _ = boot_bare.bochs_ticks(os.path.join(bare["r"].workdir, "bochs.log"))
    strata = linux_run("bench-linux-strata", strata_iso,
                       lambda lines: run_tests.vm_lines(lines, "linux"))
    s_lines = strata["r"].lines
    start = start_line(s_lines, "linux")
    strata["entry"] = start[0] + start[1] if start else None
    ended = [l for l in s_lines if re.match(r"^strata: vm linux (exited|stopped)", l)]
    if "why" not in strata and ended != ["strata: vm linux stopped reason=powered off (ACPI S5)"]:
        strata["why"] = "vm linux ended with %r; logs: %s" % (ended, strata["log"])

    # Boot: kernel entry to the first user-space instruction.
    def boot_ticks(g):
        if "user" in g and g.get("entry") is not None:
            return g["user"] - g["entry"]
        return None
    b, s = boot_ticks(bare), boot_ticks(strata)
    if b is None:
        missing("linux.boot.bare", bare.get("why") or "no kernel-entry tick (MSR 0x1a0 "
                "in bochs.log) or no BENCH rdinit_tsc line; logs: %s" % bare["log"])
    else:
        emit("linux.boot.bare", b, "ticks",
             "GRUB ISO, kernel entry (bochs.log: verify_cpu's MSR 0x1a0 read at tick %d, a "
             "few hundred instructions into startup_32) to RDTSC of /bin/tscinit, the "
             "kernel's first user-space instruction (at %d); 'LINUX: init started' follows "
             "after ash starts and mounts /proc and /sys; %s; cmdline: %s"
             % (bare["entry"], bare["user"], where, cmdline))
    if s is None:
        missing("linux.boot.strata", strata.get("why") or "no 'strata: vm linux start' line "
                "or no BENCH rdinit_tsc line; logs: %s" % strata["log"])
    else:
        i = next(i for i, l in enumerate(s_lines) if VM_START.match(l))
        j = next((j for j, l in enumerate(s_lines) if l.startswith("[linux] ")), i)
        logged = sum(len(l) + 2 for l in s_lines[i:j] if not l.startswith("["))
        emit("linux.boot.strata", s, "ticks",
             "the only VM on CPU 0 (%s), from the end of vmm_start() (start line: tsc %d + "
             "setup_ticks %d; the guest's first instruction, startup_64, follows after ~%d "
             "characters of host log on polled COM1, ~%.1f M ticks at ~%d per character, "
             "not subtracted) to the same RDTSC (at %d); %s"
             % (LINUX_CONF, start[0], start[1], logged,
                logged * SERIAL_TICKS_PER_CHAR / 1e6, SERIAL_TICKS_PER_CHAR, strata["user"],
                where))
    if b and s:
        emit("linux.boot.ratio", "%.4f" % (s / b), "x",
             "linux.boot.strata / linux.boot.bare; aim <= %.2f (issue 4), not checked"
             % BOOT_AIM)

    # Wall time of each whole run.
    for name, g in (("bare", bare), ("strata", strata)):
        emit("linux.wall.%s" % name, "%.1f" % g["wall"], "s",
             "the whole Bochs run, process start to exit: BIOS, GRUB, %s, boot, /init with "
             "the workload, power-off; wall time on this machine, moves with host load%s"
             % ("the kernel" if name == "bare" else "Strata, then the VM",
                "" if "why" not in g else "; RUN WENT WRONG: " + g["why"]))
    emit("linux.wall.ratio", "%.3f" % (strata["wall"] / bare["wall"]), "x",
         "linux.wall.strata / linux.wall.bare")

    # The workload, in ticks: ns * tsc_mhz / 1000 with each guest's own tsc_mhz.
    ok = True
    for name, g in (("bare", bare), ("strata", strata)):
        if "workload" not in g or "tsc_mhz" not in g:
            missing("linux.workload.%s" % name, g.get("why") or "no 'LINUX: workload "
                    "loop_ns=...' or tsc_mhz line; logs: %s" % g["log"])
            ok = False
    if not ok:
        return
    same = ("same gzip_bytes (%s)" % bare["gzip_bytes"]
            if bare.get("gzip_bytes") == strata.get("gzip_bytes")
            else "gzip_bytes DIFFER: bare %s, Strata %s" % (bare.get("gzip_bytes"),
                                                            strata.get("gzip_bytes")))
    for part in WORKLOAD_PARTS:
        ticks = {}
        for name, g in (("bare", bare), ("strata", strata)):
            ns, mhz = g["workload"][part], float(g["tsc_mhz"])
            ticks[name] = ns * mhz / 1000
            emit("linux.workload.%s.%s" % (part, name), ns, "ns",
                 "%s; guest clocksource tsc at the guest's tsc_mhz=%s: %.1f M ticks; "
                 "timer interrupts during the workload: %s"
                 % (WORKLOAD_WHAT[part], g["tsc_mhz"], ticks[name] / 1e6,
                    g.get("timer_irqs", "?")))
        emit("linux.workload.%s.ratio" % part, "%.4f" % (ticks["strata"] / ticks["bare"]), "x",
             "Strata / bare in ticks; aim <= %.2f (issue 4), not checked; %s"
             % (WORKLOAD_AIM, same))


def bench_qemu(esp):
    for cpus in (1, 4):
        name = "qemu_ovmf.wall_to_ready.%dcpu" % cpus
        times = []
        for attempt in (1, 2, 3):
            run = "bench-qemu-ovmf-%dcpu-%d" % (cpus, attempt)
            r, elapsed = emu.run_qemu_timed(run, READY, esp=esp, cpus=cpus, uefi=True)
            if elapsed is None:
                why = "timed out" if r.timed_out else "exit %s" % r.returncode
                missing(name, "no ready line, %s; logs: build/test-runs/%s/" % (why, run))
                break
            times.append(elapsed)
        else:
            emit(name, "%.2f" % statistics.median(times), "s",
                 "median of 3, wall time on this machine, QEMU TCG + OVMF from the ESP "
                 "image, process start to ready on serial; runs: %s" %
                 " ".join("%.2f" % t for t in times))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-bochs", action="store_true", help="no Bochs runs at all")
    ap.add_argument("--skip-vm", action="store_true", help="no VM figures")
    ap.add_argument("--skip-linux", action="store_true",
                    help="no Linux bare-versus-Strata runs (two Bochs runs of minutes each)")
    ap.add_argument("--skip-qemu", action="store_true")
    ap.add_argument("--only-linux", action="store_true", help="the Linux figures alone")
    args = ap.parse_args()

    if args.only_linux:
        bench_linux()
    else:
        bench_sizes()
        esp, iso = run_tests.build_media("bench", CONFIG)
        if not args.skip_bochs:
            bench_bochs(iso)
        if not args.skip_bochs and not args.skip_vm:
            big_setups = bench_vm_exits()
            bench_vm_entry(big_setups)
        if not args.skip_vm:
            bench_vm_static()
        if not args.skip_bochs and not args.skip_linux:
            bench_linux()
        if not args.skip_qemu:
            bench_qemu(esp)
    if problems:
        print("bench: %d figure(s) missing: %s" % (len(problems), " ".join(problems)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
