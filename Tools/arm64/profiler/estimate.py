"""Turns two block profiles of tbcount.so into a cycle estimate per inference.

The two profiles are of the same program doing N and N + K inferences, so that the difference,
divided by K, is what one inference executes (start-up, loading and planning cancel out). The
blocks that cover --coverage of those instructions are disassembled (llvm-mc) and each gets the
steady-state cycles per iteration of llvm-mca for the chosen core; the estimate is the sum of
executions x cycles, plus the rest of the instructions at the covered blocks' cycles per
instruction.

    python3 estimate.py --mcpu cortex-a72 --k 4 A.tb B.tb [--clock-ghz 1.8] [--macs M] [--json]

Blocks whose first instruction is in a symbol matching --exclude (default: the CRC-32 that
`kiln bench` computes after each run to check it) are not part of the inference and are dropped.
"""

import argparse
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

LLVM = os.environ.get("KILN_LLVM_BIN", "/usr/lib/llvm-19/bin")
ITERATIONS = 100

# llvm-mca cores: the Pi 5's Cortex-A76 has no model of its own in LLVM (its "cortex-a76" entry
# uses the Cortex-A57 model); the Neoverse N1 is the A76's server version with the same pipeline.
MCA_CPU = {"cortex-a72": "cortex-a72", "cortex-a76": "neoverse-n1", "haswell": "haswell"}
TRIPLE = {"cortex-a72": "aarch64-linux-gnu", "cortex-a76": "aarch64-linux-gnu", "haswell": "x86_64-linux-gnu"}
DISASM_ATTR = {"aarch64-linux-gnu": "+v8.2a,+dotprod,+fullfp16,+rcpc,+lse,+crc,+aes,+sha2", "x86_64-linux-gnu": ""}


def read_profile(path):
    """{(address, bytes): [executions, instructions, symbol]} and the guest thread count."""
    blocks, threads = {}, None
    with open(path) as f:
        for line in f:
            parts = line.split()
            if parts[0] == "threads":
                threads = int(parts[1])
                continue
            key = (int(parts[0], 16), parts[4] if len(parts) > 4 else "")
            entry = blocks.setdefault(key, [0, int(parts[2]), parts[3]])
            entry[0] += int(parts[1])
    return blocks, threads


def disassemble(triple, hexbytes, count):
    """The block's instructions as assembly lines, or None if llvm-mc does not give `count`."""
    text = " ".join("0x" + hexbytes[i:i + 2] for i in range(0, len(hexbytes), 2))
    cmd = [f"{LLVM}/llvm-mc", "--disassemble", f"-triple={triple}"]
    if DISASM_ATTR[triple]:
        cmd.append(f"-mattr={DISASM_ATTR[triple]}")
    out = subprocess.run(cmd, input=text, capture_output=True, text=True).stdout
    lines = [l.strip() for l in out.splitlines() if l.startswith("\t") and not l.strip().startswith(".")]
    return lines if len(lines) == count else None


def mca_cycles(triple, mcpu, bodies):
    """Cycles per iteration of each body (a list of assembly lines), None where llvm-mca fails."""
    result = [None] * len(bodies)
    pending = [i for i, b in enumerate(bodies) if b]
    while pending:
        src, line_of = [], {}
        for i in pending:
            src.append(f"# LLVM-MCA-BEGIN b{i}")
            for ins in bodies[i]:
                line_of[len(src) + 1] = i
                src.append(ins)
            src.append(f"# LLVM-MCA-END b{i}")
        run = subprocess.run([f"{LLVM}/llvm-mca", f"-mtriple={triple}", f"-mcpu={mcpu}",
                              f"-iterations={ITERATIONS}", "-all-views=false", "-summary-view"],
                             input="\n".join(src) + "\n", capture_output=True, text=True)
        if run.returncode == 0:
            name = None
            for l in run.stdout.splitlines():
                m = re.match(r"\[\d+\] Code Region - b(\d+)", l)
                if m:
                    name = int(m.group(1))
                m = re.match(r"Total Cycles:\s+(\d+)", l)
                if m and name is not None:
                    result[name] = int(m.group(1)) / ITERATIONS
            return result
        bad = {line_of.get(int(m.group(1))) for m in re.finditer(r"<stdin>:(\d+):\d+: error", run.stderr)}
        bad.discard(None)
        if not bad and "unsupported instruction" in run.stderr:
            # An instruction the core model has no scheduling data for, reported without its
            # line: find its blocks one by one; they are then costed like the unmodelled rest.
            one = len(pending) == 1
            bad = set(pending) if one else {i for i in pending if mca_cycles(triple, mcpu, [bodies[i]])[0] is None}
        if not bad:
            sys.exit(f"llvm-mca failed: {run.stderr.strip()[:400]}")
        pending = [i for i in pending if i not in bad]
    return result


def read_maps(path):
    """[(start, end, offset, file)] of the executable mappings in a /proc/self/maps copy."""
    maps = []
    for line in open(path):
        parts = line.split()
        if len(parts) >= 6 and "x" in parts[1]:
            start, end = (int(v, 16) for v in parts[0].split("-"))
            maps.append((start, end, int(parts[2], 16), os.path.basename(parts[5])))
    return maps


def label(address, symbol, maps):
    """The symbol qemu gave, else the library and offset the address falls in, else the address."""
    if symbol != "-":
        return symbol
    for start, end, offset, name in maps:
        if start <= address < end:
            return f"{name}+0x{address - start + offset:x}"
    return f"0x{address:x}"


def demangle(names):
    try:
        out = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input="\n".join(names),
                             capture_output=True, text=True, timeout=60).stdout.splitlines()
        return out if len(out) == len(names) else names
    except (OSError, subprocess.SubprocessError):
        return names


def join_page_splits(per):
    """qemu ends a translated block at a page boundary, so a loop body that crosses one is two
    blocks, and llvm-mca would cost each half as a loop of its own (the instructions of one half
    cannot overlap those of the other). A block followed, on the next page (or by an instruction
    crossing into it), by a block that runs at least as often takes that block's instructions for
    its own executions; the follower keeps only the executions left (a loop's first pass, entered
    from another block)."""
    at = {p[4]: p for p in per}
    for p in sorted(per, key=lambda p: -p[4]):  # from the highest address, so chains join whole
        end = p[4] + len(p[3]) // 2
        q = at.get(end)
        if q is None or q is p or q[0] < p[0] * (1 - 1e-9):
            continue
        if end // 4096 == p[4] // 4096 and (end + 15) // 4096 == end // 4096:
            continue
        p[1] += q[1]
        p[3] += q[3]
        q[0] -= p[0]
    return [p for p in per if p[0] > 1e-9]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("before", help="profile of N inferences")
    ap.add_argument("after", help="profile of N + K inferences")
    ap.add_argument("--k", type=int, required=True, help="inferences the second profile ran more")
    ap.add_argument("--mcpu", choices=sorted(MCA_CPU), required=True)
    ap.add_argument("--clock-ghz", type=float, default=None, help="the board's clock, for ms")
    ap.add_argument("--macs", type=float, default=None, help="multiply-accumulates per inference")
    ap.add_argument("--coverage", type=float, default=0.99)
    ap.add_argument("--exclude", default=r"crc32", help="regex of symbols not part of an inference")
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--maps", help="a copy of the program's /proc/self/maps, to name blocks without a symbol")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    triple, mcpu = TRIPLE[a.mcpu], MCA_CPU[a.mcpu]

    before, threads_a = read_profile(a.before)
    after, threads_b = read_profile(a.after)
    if max(threads_a or 1, threads_b or 1) > 1:
        sys.exit(f"the program ran {max(threads_a, threads_b)} threads: the plugin's counters are exact for one")
    per = []  # [executions per inference, instructions per block, symbol, hexbytes, address]
    excluded = 0.0
    for key, (count, insns, symbol) in after.items():
        delta = (count - before.get(key, [0])[0]) / a.k
        if delta <= 0:
            continue
        if re.search(a.exclude, symbol, re.I):
            excluded += delta * insns
            continue
        per.append([delta, insns, symbol, key[1], key[0]])
    per = join_page_splits(per)
    per.sort(key=lambda p: -p[0] * p[1])
    total = sum(p[0] * p[1] for p in per)
    if total <= 0:
        sys.exit("the two profiles executed the same instructions: nothing to estimate (is K right?)")
    covered, hot = 0.0, []
    for p in per:
        if covered >= a.coverage * total:
            break
        hot.append(p)
        covered += p[0] * p[1]

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        bodies = list(pool.map(lambda p: disassemble(triple, p[3], p[1]), hot))
    cycles = mca_cycles(triple, mcpu, bodies)
    modelled = [(p, c) for p, c in zip(hot, cycles) if c is not None]
    m_insns = sum(p[0] * p[1] for p, _ in modelled)
    m_cycles = sum(p[0] * c for p, c in modelled)
    if m_insns == 0:
        sys.exit("llvm-mca modelled none of the hot blocks")
    cpi = m_cycles / m_insns
    estimate = m_cycles + (total - m_insns) * cpi

    ranked = sorted(modelled, key=lambda pc: -pc[0][0] * pc[1])[:a.top]
    maps = read_maps(a.maps) if a.maps else []
    names = demangle([label(p[4], p[2], maps) for p, _ in ranked])
    report = {
        "core": a.mcpu, "llvm_mca_cpu": mcpu,
        "instructions": round(total), "estimated_cycles": round(estimate),
        "cycles_per_instruction": round(cpi, 3),
        "blocks": len(per), "hot_blocks": len(hot), "modelled_share": round(m_insns / total, 4),
        "excluded_instructions": round(excluded),
        "top": [{"symbol": n, "address": f"0x{p[4]:x}",
                 "instructions": p[1], "executions": round(p[0], 1), "cycles_per_iteration": c,
                 "share_of_cycles": round(p[0] * c / estimate, 4)} for (p, c), n in zip(ranked, names)],
    }
    if a.clock_ghz:
        report["clock_ghz"] = a.clock_ghz
        report["estimated_ms"] = round(estimate / (a.clock_ghz * 1e6), 4)
    if a.macs:
        report["macs"] = round(a.macs)
        report["instructions_per_mac"] = round(total / a.macs, 4)
    if a.json:
        print(json.dumps(report))
        return
    print(f"core                      {a.mcpu} (llvm-mca -mcpu={mcpu})")
    print(f"instructions / inference  {total:,.0f}")
    if a.macs:
        print(f"instructions / MAC        {total / a.macs:.3f}")
    print(f"estimated cycles          {estimate:,.0f}  ({cpi:.3f} per instruction; "
          f"{len(modelled)} of {len(per)} blocks modelled, {100 * m_insns / total:.1f}% of instructions)")
    if a.clock_ghz:
        print(f"estimated ms at {a.clock_ghz} GHz    {report['estimated_ms']:.3f}")
    print(f"\nhottest blocks ({a.top}):")
    print(f"  {'share':>6} {'cyc/it':>7} {'insns':>5} {'runs/inference':>14}  symbol")
    for t in report["top"]:
        print(f"  {100 * t['share_of_cycles']:5.1f}% {t['cycles_per_iteration']:7.2f} {t['instructions']:5d} "
              f"{t['executions']:14,.1f}  {t['symbol'][:90]}")


if __name__ == "__main__":
    main()
