#!/usr/bin/env python3
"""bench-report.py: stock 6.12 vs execmem, side by side.

Reads the guest logs of the bench workload (tools/testing/selftests/execmem/
bench.sh and the execmem_bench module: "EXECMEM-BENCH <record> k=v ..."
lines) of one stock and one execmem boot, prints the comparison table and,
with --out DIR, writes DIR/report.md, the parsed figures (DIR/*.dat,
DIR/figures.json) and SVG charts made with gnuplot.

Times come from QEMU/TCG guests: they are emulated, so only execmem/stock
ratios are meaningful, and only as a rough guide. Nothing here asserts a
timing; the exit status is 1 only if a log lacks the bench records.
"""
import argparse, json, os, re, shutil, subprocess, sys, datetime

MARK = 'EXECMEM-BENCH '
STAGES = [
    ('modload', 'boot', 'benchmark module loaded'),
    ('jit', 'modload', 'run-time code generator (gen_funcs functions)'),
    ('bpf', 'jit', 'BPF programs loaded and kept open'),
    ('kprobes', 'bpf', 'kprobe events enabled (optimization on)'),
    ('ftrace', 'kprobes', 'function-tracer instances'),
    ('modules', 'ftrace', 'module load/unload churn'),
    ('teardown', 'modules', 'everything closed/removed/unloaded'),
    ('mem-live', 'mem-before', 'memory test: objects live'),
    ('mem-after', 'mem-before', 'memory test: objects freed'),
]


# "op" records: user-visible operations timed one system call at a time
OPS = [
    ('bpf_load', 'BPF program load (BPF_PROG_LOAD)'),
    ('bpf_close', 'BPF program close (close of the last fd)'),
    ('kprobe_create', 'kprobe event create (write to kprobe_events)'),
    ('kprobe_enable_all', 'enable all kprobe events (arms them)'),
    ('tracer_enable', 'function tracer on in an instance (3 functions)'),
    ('tracer_disable', 'function tracer off in an instance'),
    ('module_load', 'module load (finit_module, execmem_nop)'),
    ('module_unload', 'module unload (delete_module)'),
]


# hot-path stage (bench.sh hot_stage, hotpath_bench.c): "hot" records
HOT = [
    ('ftrace_default', 'ftrace-ops, defaults (1 relevant op, 1000 calls), ns/call'),
    ('ftrace_calls100k', 'ftrace-ops nr_function_calls=100000, ns/call'),
    ('ftrace_relevant2', 'ftrace-ops nr_ops_relevant=2 (list function), ns/call'),
    ('ftrace_irrelevant10', 'ftrace-ops nr_ops_irrelevant=10, ns/call'),
    ('ftrace_save_regs', 'ftrace-ops save_regs=1, ns/call'),
    ('bpf_small', 'BPF_PROG_TEST_RUN, small socket filter, ns/run'),
    ('bpf_large', 'BPF_PROG_TEST_RUN, large socket filter, ns/run'),
    ('xdp_dispatcher', 'XDP test run, attached to lo: through the dispatcher image, ns/run'),
    ('xdp_detached', 'XDP test run, not attached: dispatcher default path, ns/run'),
    ('kprobe_none', 'getpid(), no kprobe, ns/call'),
    ('kprobe_opt', 'getpid() + kprobe, optimization on (detour buffer), ns/call'),
    ('kprobe_slot', 'getpid() + kprobe, optimization off (INT3 + insn slot), ns/call'),
    ('kprobe_stack_k0', 'getpid() + kprobe event with a stack trace, ns/call'),
    ('kprobe_stack_kn', '  the same with more kprobes registered, ns/call'),
]
BG = [
    ('burst_ns', 'burst: load and close every program (TCG)', 'ns'),
    ('kthread_ms', 'CPU time of all kernel threads, burst start to end of sampling, ms', ''),
    ('kworker_ms', '  of which kworkers, ms', ''),
    ('kthread_ms_per_1k', 'kernel-thread CPU time per 1,000 frees, ms', ''),
    ('busy_until_ms', 'busy after the burst until (last 100 ms with > 25 ms busy), ms', ''),
    ('tlb_rf', 'nr_tlb_remote_flush, burst + sampling', ''),
    ('tlb_rfr', 'nr_tlb_remote_flush_received', ''),
    ('tlb_lfa', 'nr_tlb_local_flush_all', ''),
    ('tlb_lfo', 'nr_tlb_local_flush_one', ''),
]


def parse(path):
    recs = []
    with open(path, errors='replace') as f:
        for line in f:
            i = line.find(MARK)
            if i < 0:
                continue
            words = line[i + len(MARK):].split()
            if not words:
                continue
            kv = {}
            for w in words[1:]:
                if '=' in w:
                    k, v = w.split('=', 1)
                    try:
                        kv[k] = int(v)
                    except ValueError:
                        try:
                            kv[k] = float(v)
                        except ValueError:
                            kv[k] = v
            recs.append((words[0], kv))
    d = {'snap': {}, 'lat': {}, 'tput': {}, 'ops': {}, 'hot': {}, 'misc': {}, 'errors': []}
    for r, kv in recs:
        if r == 'snap':
            d['snap'][kv.get('stage')] = kv
        elif r == 'lat':
            d['lat'][(kv['path'], kv['op'], kv['size'])] = kv
        elif r == 'tput':
            d['tput'][(kv['path'], kv['threads'])] = kv
        elif r == 'op':
            d['ops'][kv.get('name')] = kv
        elif r == 'hot':
            d['hot'][kv.get('name')] = kv
        elif r == 'error':
            d['errors'].append(' '.join(f'{k}={v}' for k, v in kv.items()))
        elif r == 'done' and kv.get('ret', 0) != 0:
            d['errors'].append(f"module cmd={kv.get('cmd')} ret={kv.get('ret')}")
        else:
            d['misc'].setdefault(r, {}).update(kv)
    return d


def ratio(e, s):
    if s in (None, '') or e in (None, ''):
        return '-'
    if s == 0:
        return '-' if e == 0 else 'inf'
    return f'{e / s:.2f}'


def fmt(v, unit=''):
    if v is None:
        return 'n/a'
    if isinstance(v, float):
        return f'{v:.1f}{unit}'
    return f'{v}{unit}'


def human(b):
    if b is None:
        return 'n/a'
    sign = '-' if b < 0 else ''
    b = abs(b)
    for u, s in (('GiB', 1 << 30), ('MiB', 1 << 20), ('KiB', 1 << 10)):
        if b >= s:
            return f'{sign}{b / s:.1f} {u}'
    return f'{sign}{b} B'


def live_share(x):
    """live executable bytes under PMDs: pool objects in PMD chunks over
    pool objects + everything mapped executable with 4 KiB pages (module
    text, BPF packs, trampolines, slots, stock JIT objects)."""
    live = x.get('pool_live', 0)
    if x.get('pool_chunks'):
        live = live * x.get('pool_pmd_chunks', 0) / x['pool_chunks']
    t = x.get('pool_live', 0) + x.get('x4k_bytes', 0)
    return f'{100.0 * live / t:.1f} %' if t else 'n/a'


def summary_rows(S, E):
    rows = []
    for st, prev, desc in STAGES:
        s, e = S['snap'].get(st), E['snap'].get(st)
        sp, ep = S['snap'].get(prev), E['snap'].get(prev)
        if not (s and e and sp and ep):
            continue
        rows.append((st, f"{s['dm4k_kb'] - sp['dm4k_kb']:+d}", f"{e['dm4k_kb'] - ep['dm4k_kb']:+d}",
                     human(s.get('x4k_bytes')), human(e.get('x4k_bytes')),
                     human(s.get('x2m_bytes')), human(e.get('x2m_bytes')),
                     live_share(s), live_share(e), f"{s.get('wx')}/{e.get('wx')}"))
    return rows


def counter_rows(S, E):
    """per stage: /proc/vmstat direct-map splits and remote TLB flushes"""
    rows = []

    def d(a, b, k):
        return fmt(a[k] - b[k]) if k in a and k in b else 'n/a'
    for st, prev, desc in STAGES:
        s, e = S['snap'].get(st), E['snap'].get(st)
        sp, ep = S['snap'].get(prev), E['snap'].get(prev)
        if not (s and e and sp and ep):
            continue
        rows.append((st, d(s, sp, 'l2split'), d(e, ep, 'l2split'), d(s, sp, 'l3split'), d(e, ep, 'l3split'),
                     d(s, sp, 'tlb_rf'), d(e, ep, 'tlb_rf'), d(s, sp, 'tlb_rfr'), d(e, ep, 'tlb_rfr')))
    return rows


COUNTER_HEAD = ('stage', 'L2 splits stock', 'execmem', 'L3 splits stock', 'execmem',
                'remote TLB flush stock', 'execmem', 'received stock', 'execmem')


SUMMARY_HEAD = ('stage', 'dDM4k kB stock', 'execmem', 'exec@4K stock', 'execmem', 'exec@2M stock', 'execmem',
                'live text@PMD stock', 'execmem', 'W+X s/e')


def stage_rows(S, E, stage, prev):
    """rows (label, stock, execmem, ratio) for one stage."""
    rows = []
    s, e = S['snap'].get(stage), E['snap'].get(stage)
    sp, ep = S['snap'].get(prev), E['snap'].get(prev)
    if not (s and e and sp and ep):
        return [('(stage missing in a log)', '', '', '')]

    def delta(a, b, k):
        if k not in a or k not in b:
            return None
        return a[k] - b[k]

    for k, lab in (('dm4k_kb', 'DirectMap4k change (kB)'),
                   ('dm2m_kb', 'DirectMap2M change (kB)'),
                   ('dm1g_kb', 'DirectMap1G change (kB)'),
                   ('l2split', 'direct_map_level2_splits delta'),
                   ('l3split', 'direct_map_level3_splits delta'),
                   ('tlb_rf', 'nr_tlb_remote_flush delta'),
                   ('tlb_rfr', 'nr_tlb_remote_flush_received delta')):
        ds, de = delta(s, sp, k), delta(e, ep, k)
        if ds is None and de is None:
            continue
        rows.append((lab, fmt(ds), fmt(de), ratio(de, ds)))
    for k, lab in (('x4k_bytes', 'module-range exec bytes at 4 KiB (live)'),
                   ('x2m_bytes', 'module-range exec bytes at 2 MiB (live)')):
        rows.append((lab, human(s.get(k)), human(e.get(k)), ratio(e.get(k), s.get(k))))
    for k, lab in (('x4k_pages', '  4 KiB mappings (pages)'), ('x2m_pages', '  2 MiB mappings (pages)')):
        rows.append((lab, fmt(s.get(k)), fmt(e.get(k)), ''))

    def share(x):
        t = x.get('x4k_bytes', 0) + x.get('x2m_bytes', 0)
        return f"{100.0 * x.get('x2m_bytes', 0) / t:.1f} %" if t else 'n/a'
    rows.append(('share of exec mapping bytes under PMDs', share(s), share(e), ''))
    rows.append(('share of live text under PMDs', live_share(s), live_share(e), ''))
    rows.append(('W+X mappings (must be 0)', fmt(s.get('wx')), fmt(e.get('wx')), ''))
    if 'pool_chunks' in e:
        rows.append(('pool chunks (pmd)', '-', f"{e['pool_chunks']} ({e.get('pool_pmd_chunks')})", ''))
        rows.append(('pool objects / requested bytes', '-', f"{e.get('pool_objs')} / {human(e.get('pool_req'))}", ''))
        fp = e['pool_chunks'] * (2 << 20)
        rows.append(('pool footprint vs requested', '-',
                     f"{human(fp)} vs {human(e.get('pool_req'))}"
                     + (f" ({fp / e['pool_req']:.2f}x)" if e.get('pool_req') else ''), ''))
    return rows


def table(rows, head=('', 'stock', 'execmem', 'execmem/stock')):
    n = len(head)
    w = [max(len(str(r[i])) for r in list(rows) + [head]) for i in range(n)]
    out = ['  ' + '  '.join(str(head[i]).ljust(w[i]) if i == 0 else str(head[i]).rjust(w[i]) for i in range(n))]
    for r in rows:
        out.append('  ' + '  '.join(str(r[i]).ljust(w[i]) if i == 0 else str(r[i]).rjust(w[i]) for i in range(n)))
    return out


def md_table(rows, head=('', 'stock', 'execmem', 'execmem/stock')):
    out = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    for r in rows:
        out.append('| ' + ' | '.join(str(x) for x in r) + ' |')
    return out


def build_sections(S, E):
    """[(title, rows, head)]"""
    secs = []
    sb, eb = S['misc'].get('boot', {}), E['misc'].get('boot', {})
    rows = []
    for k, lab in (('run_init_us', 'kernel start -> "Run /init" (TCG us)'),
                   ('ftrace_entries', 'ftrace entries (mcount sites)')):
        rows.append((lab, fmt(sb.get(k)), fmt(eb.get(k)), ratio(eb.get(k), sb.get(k))))
    sf, ef = S['misc'].get('ftraceall', {}), E['misc'].get('ftraceall', {})
    for k, lab in (('on_ns', 'ftrace update of all sites, 1 CPU online: tracer on (TCG)'),
                   ('off_ns', 'ftrace update of all sites, 1 CPU online: tracer off (TCG)')):
        rows.append((lab, human_ns(sf.get(k)), human_ns(ef.get(k)), ratio(ef.get(k), sf.get(k))))
    secs.append(('Boot (kunit.enable=0 on both) and ftrace site updates', rows, None))
    wl = []
    for rec, keys in (('gen', ('funcs', 'bytes', 'bad', 'path')), ('bpf', ('progs', 'failed', 'jited_bytes')),
                      ('kprobes', ('created', 'optimized')), ('ftrace', ('instances',)),
                      ('modules', ('cycles',)), ('sample', ('ok',))):
        s, e = S['misc'].get(rec, {}), E['misc'].get(rec, {})
        for k in keys:
            wl.append((f'{rec} {k}', fmt(s.get(k)), fmt(e.get(k)), ''))
        if 'ns' in s or 'ns' in e:
            wl.append((f'{rec} time (TCG)', human_ns(s.get('ns')), human_ns(e.get('ns')), ratio(e.get('ns'), s.get('ns'))))
    secs.append(('Workload', wl, None))
    rows = []
    for name, lab in OPS:
        s, e = S['ops'].get(name, {}), E['ops'].get(name, {})
        if not (s or e):
            continue
        rows.append((lab, fmt(s.get('n')) + ' / ' + fmt(e.get('n')),
                     human_ns(s.get('p50_ns')), human_ns(e.get('p50_ns')), ratio(e.get('p50_ns'), s.get('p50_ns')),
                     human_ns(s.get('p99_ns')), human_ns(e.get('p99_ns')), ratio(e.get('p99_ns'), s.get('p99_ns'))))
    secs.append(('User-visible operations, one system call each (tools/testing/selftests/execmem/optime.c, '
                 'bench_bpf_load.c): median and p99 latency (TCG)',
                 rows, ('', 'n stock/execmem', 'p50 stock', 'p50 execmem', 'p50 ratio',
                        'p99 stock', 'p99 execmem', 'p99 ratio')))
    secs.append(('Summary per stage: DirectMap4k change, executable bytes in the module range live at the end '
                 'of the stage by page size, share of live text under PMDs, W+X mappings',
                 summary_rows(S, E), SUMMARY_HEAD))
    secs.append(('Per stage: /proc/vmstat direct_map_level2_splits (2M->4K) and direct_map_level3_splits (1G->2M) '
                 'deltas, nr_tlb_remote_flush and nr_tlb_remote_flush_received deltas (CONFIG_DEBUG_TLBFLUSH)',
                 counter_rows(S, E), COUNTER_HEAD))
    for st, prev, desc in STAGES:
        secs.append((f'Stage {st}: {desc} (change since {prev}; mappings live at the end of the stage)',
                     stage_rows(S, E, st, prev), None))
    # latency
    rows = []
    sizes = sorted({k[2] for k in list(S['lat']) + list(E['lat'])})
    for op in ('alloc', 'update', 'free'):
        for sz in sizes:
            s = S['lat'].get(('vmalloc', op, sz))
            e = E['lat'].get(('pool', op, sz))
            ev = E['lat'].get(('vmalloc', op, sz))
            if not (s or e):
                continue
            rows.append((f'{op} {human(sz)}',
                         human_ns(s and s['med_ns']), human_ns(e and e['med_ns']),
                         ratio(e and e['med_ns'], s and s['med_ns']),
                         ratio(e and e['p99_ns'], s and s['p99_ns']),
                         ratio(e and e['med_ns'], ev and ev['med_ns'])))
    secs.append(('Latency per size class, median (stock: 6.12 path execmem_alloc+set_memory_rox / '
                 'text_poke_copy / vfree; execmem: pool execmem_alloc(EXECMEM_JIT)+execmem_update / '
                 'execmem_update / execmem_free); last column: pool vs the 6.12 path in the same execmem boot',
                 rows, ('', 'stock med', 'execmem med', 'med ratio', 'p99 ratio', 'same-boot ratio')))
    rows = []
    for path_s, path_e in (('vmalloc', 'pool'),):
        s1, s2 = S['tput'].get((path_s, 1)), max((v for k, v in S['tput'].items() if k[0] == path_s and k[1] > 1),
                                                   key=lambda v: v['threads'], default=None)
        e1, e2 = E['tput'].get((path_e, 1)), max((v for k, v in E['tput'].items() if k[0] == path_e and k[1] > 1),
                                                   key=lambda v: v['threads'], default=None)

        def rate(x):
            return x['pairs'] * 1e9 / x['ns'] if x and x.get('ns') else None
        rows.append(('alloc+free pairs/s, 1 CPU (TCG)', fmt(rate(s1)), fmt(rate(e1)), ratio(rate(e1), rate(s1))))
        rows.append((f"alloc+free pairs/s, {(s2 or e2 or {}).get('threads', '?')} CPUs at once (TCG)",
                     fmt(rate(s2)), fmt(rate(e2)), ratio(rate(e2), rate(s2))))
        sc_s = rate(s2) / rate(s1) if rate(s1) and rate(s2) else None
        sc_e = rate(e2) / rate(e1) if rate(e1) and rate(e2) else None
        rows.append(('scaling (all CPUs / 1 CPU)', f'{sc_s:.2f}' if sc_s else 'n/a', f'{sc_e:.2f}' if sc_e else 'n/a', ''))
    secs.append(('Throughput (64 B .. 2 KiB objects, window of 16 live per CPU)', rows, None))
    s, e = S['misc'].get('mem', {}), E['misc'].get('mem', {})
    rows = [('objects', fmt(s.get('objs')), fmt(e.get('objs')), ''),
            ('requested bytes', human(s.get('requested')), human(e.get('requested')), ratio(e.get('requested'), s.get('requested'))),
            ('footprint (stock: page-rounded vmalloc; execmem: 2 MiB chunks used)', human(s.get('footprint')),
             human(e.get('footprint')), ratio(e.get('footprint'), s.get('footprint'))),
            ('stock estimate: bpf_prog_pack (64 B units in 2 MiB packs)', human(s.get('pack_approx')), '',
             ratio(e.get('footprint'), s.get('pack_approx'))),
            ('alloc time for all objects (TCG)', human_ns(s.get('ns')), human_ns(e.get('ns')), ratio(e.get('ns'), s.get('ns')))]
    fs, fe = S['misc'].get('memfree', {}), E['misc'].get('memfree', {})
    rows.append(('free time for all objects (TCG)', human_ns(fs.get('ns')), human_ns(fe.get('ns')), ratio(fe.get('ns'), fs.get('ns'))))
    secs.append(('Memory: mem_objs objects of a BPF program/trampoline size mix (see execmem_bench.c)', rows, None))
    return secs


def hot_sections(S, E):
    """the hot-path stage: medians and maxima of HOT_REPS repetitions"""
    def num(x, k):
        v = x.get(k)
        return v if isinstance(v, (int, float)) else None

    def f1(v):
        return 'n/a' if v is None else f'{v:.1f}'
    rows = []
    for name, lab in HOT:
        s, e = S['hot'].get(name, {}), E['hot'].get(name, {})
        if not (s or e):
            continue
        extra = []
        for k in ('insns', 'jited', 'state', 'nkp'):
            sv, ev = s.get(k), e.get(k)
            if sv is not None or ev is not None:
                extra.append(f'{k} {sv if sv == ev else f"{sv}/{ev}"}')
        if extra:
            lab += ' (' + ', '.join(str(x).rstrip(',') for x in extra) + ')'
        rows.append((lab, f1(num(s, 'p50_ns')), f1(num(e, 'p50_ns')), ratio(num(e, 'p50_ns'), num(s, 'p50_ns')),
                     f1(num(s, 'max_ns')), f1(num(e, 'max_ns')), ratio(num(e, 'max_ns'), num(s, 'max_ns'))))
    # the kprobe hit itself: probed minus unprobed getpid(), medians
    for name, lab in (('kprobe_opt', 'kprobe hit, optimized: probed - unprobed median, ns'),
                      ('kprobe_slot', 'kprobe hit, INT3 + slot: probed - unprobed median, ns')):
        d = []
        for X in (S, E):
            a, b = num(X['hot'].get(name, {}), 'p50_ns'), num(X['hot'].get('kprobe_none', {}), 'p50_ns')
            d.append(a - b if a is not None and b is not None else None)
        if d[0] is not None or d[1] is not None:
            rows.append((lab, f1(d[0]), f1(d[1]), ratio(d[1], d[0]), '', '', ''))
    g, c = num(E['hot'].get('jit_generated', {}), 'p50_ns'), num(E['hot'].get('jit_compiled', {}), 'p50_ns')
    if g is not None or c is not None:
        rows.append(('call of a jit_alloc() function (samples/execmem), ns/call; ratio: vs its twin',
                     'n/a', f1(g), ratio(g, c), '', f1(num(E['hot'].get('jit_generated', {}), 'max_ns')), ''))
        rows.append(('  its compiled twin in module text, same execmem boot (stock has no jit_alloc())', 'n/a', f1(c), '', '',
                     f1(num(E['hot'].get('jit_compiled', {}), 'max_ns')), ''))
    secs = []
    if rows:
        n = E['misc'].get('hotstage', {}).get('reps') or S['misc'].get('hotstage', {}).get('reps')
        pre = E['misc'].get('hotstage', {}).get('pre', 'none')
        secs.append((f'Hot paths: median and largest of {n} repetitions (TCG: read the ratios; '
                     f'goal: ratios <= 1.0; before the stage: {pre})', rows,
                     ('', 'stock p50', 'execmem p50', 'p50 ratio', 'stock max', 'execmem max', 'max ratio')))
    sb, eb = S['misc'].get('bg', {}), E['misc'].get('bg', {})
    if sb or eb:
        rows = [('programs loaded and closed', fmt(sb.get('progs')), fmt(eb.get('progs')), '')]
        for k, lab, unit in BG:
            sv, ev = sb.get(k), eb.get(k)
            rows.append((lab, human_ns(sv) if unit == 'ns' else fmt(sv),
                         human_ns(ev) if unit == 'ns' else fmt(ev), ratio(ev, sv)))
        i = 1
        while f'busy_s{i}_ms' in sb or f'busy_s{i}_ms' in eb:
            k = f'busy_s{i}_ms'
            rows.append((f'busy time of all CPUs in second {i} after the burst, ms',
                         fmt(sb.get(k)), fmt(eb.get(k)), ratio(eb.get(k), sb.get(k))))
            i += 1
        for k, v in E['misc'].get('bgpool', {}).items():
            rows.append((f'execmem pool: {k}' + ('' if k == 'fill_window_max_us' else ' (delta)'),
                         'n/a', fmt(v), ''))
        secs.append(('Background work after a burst of BPF loads and frees (hotpath_bench burst; '
                     '/proc/stat and /proc/<pid>/stat, USER_HZ ticks: 10 ms resolution)', rows, None))
    return secs


def human_ns(ns):
    if ns is None or ns == '':
        return 'n/a'
    if ns >= 1e9:
        return f'{ns / 1e9:.2f} s'
    if ns >= 1e6:
        return f'{ns / 1e6:.2f} ms'
    if ns >= 1e3:
        return f'{ns / 1e3:.1f} us'
    return f'{ns} ns'


def charts(S, E, out):
    gp = shutil.which('gnuplot')
    stages = ['boot', 'modload', 'jit', 'bpf', 'kprobes', 'ftrace', 'modules', 'teardown']
    with open(os.path.join(out, 'stages.dat'), 'w') as f:
        f.write('# stage dm4k_stock_kb dm4k_execmem_kb x4k_stock_b x4k_execmem_b x2m_stock_b x2m_execmem_b\n')
        for st in stages:
            s, e = S['snap'].get(st, {}), E['snap'].get(st, {})
            f.write(f"{st} {s.get('dm4k_kb', 0)} {e.get('dm4k_kb', 0)} {s.get('x4k_bytes', 0)} "
                    f"{e.get('x4k_bytes', 0)} {s.get('x2m_bytes', 0)} {e.get('x2m_bytes', 0)}\n")
    with open(os.path.join(out, 'latency.dat'), 'w') as f:
        f.write('# size alloc_ratio update_ratio free_ratio (execmem pool median / stock median)\n')
        sizes = sorted({k[2] for k in S['lat']} & {k[2] for k in E['lat']})
        for sz in sizes:
            r = []
            for op in ('alloc', 'update', 'free'):
                s, e = S['lat'].get(('vmalloc', op, sz)), E['lat'].get(('pool', op, sz))
                r.append(f"{e['med_ns'] / s['med_ns']:.4f}" if s and e and s['med_ns'] else 'NaN')
            f.write(f'{sz} ' + ' '.join(r) + '\n')
    s, e = S['misc'].get('mem', {}), E['misc'].get('mem', {})
    with open(os.path.join(out, 'memory.dat'), 'w') as f:
        f.write('# what MiB\n')
        for lab, v in (('requested', e.get('requested') or s.get('requested')),
                       ('execmem-pool', e.get('footprint')),
                       ('stock-vmalloc', s.get('footprint')),
                       ('stock-prog-pack-est', s.get('pack_approx'))):
            f.write(f'"{lab}" {(v or 0) / 1048576:.2f}\n')
    script = f'''set terminal svg size 860,460 dynamic font "sans,12"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.8 border -1
set key top left
set grid ytics
set xtics rotate by -30
set output "{out}/directmap4k.svg"
set title "DirectMap4k after each stage (lower is better)"
set ylabel "MiB"
plot "{out}/stages.dat" using ($2/1024):xtic(1) title "stock 6.12", "" using ($3/1024) title "execmem"
set output "{out}/exec-mappings.svg"
set title "Executable bytes in the module range by page size, live after each stage"
plot "{out}/stages.dat" using ($4/1048576):xtic(1) title "stock, 4 KiB pages", "" using ($6/1048576) title "stock, 2 MiB pages", \\
     "" using ($5/1048576) title "execmem, 4 KiB pages", "" using ($7/1048576) title "execmem, 2 MiB pages"
set output "{out}/memory.svg"
set title "Memory test: footprint of the same objects (MiB)"
set key off
plot "{out}/memory.dat" using 2:xtic(1) title ""
set output "{out}/latency-ratio.svg"
unset style
set style data linespoints
set key top right
set logscale x 2
set logscale y 10
set xtics norotate
set xtics ("16" 16, "64" 64, "256" 256, "1K" 1024, "4K" 4096, "16K" 16384, "64K" 65536, "256K" 262144, "1M" 1048576, "2M" 2097152)
set title "Latency, execmem pool / stock 6.12 path (median, TCG; <1 is faster)"
set xlabel "object size"
set ylabel "ratio"
plot "{out}/latency.dat" using 1:2 title "alloc+publish", "" using 1:3 title "update", "" using 1:4 title "free", 1 title "" lt 0
'''
    with open(os.path.join(out, 'charts.gp'), 'w') as f:
        f.write(script)
    if not gp:
        print('[execmem] gnuplot missing: charts not drawn (charts.gp kept)', file=sys.stderr)
        return []
    r = subprocess.run([gp, os.path.join(out, 'charts.gp')], capture_output=True, text=True)
    if r.returncode:
        print(r.stderr, file=sys.stderr)
    # absolute paths inside the committed gnuplot script: make them relative
    with open(os.path.join(out, 'charts.gp'), 'w') as f:
        f.write(script.replace(f'{out}/', ''))
    return ['directmap4k.svg', 'exec-mappings.svg', 'latency-ratio.svg', 'memory.svg']


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--stock', required=True)
    ap.add_argument('--execmem', required=True)
    ap.add_argument('--out')
    ap.add_argument('--note', default='')
    ap.add_argument('--qemu-accel', default='tcg', help='the -accel of the boots (header only)')
    ap.add_argument('--details', action='store_true', help='also print every stage in full (report.md always has them)')
    a = ap.parse_args()
    S, E = parse(a.stock), parse(a.execmem)
    ok = True
    for name, d, p in (('stock', S, a.stock), ('execmem', E, a.execmem)):
        if 'end' not in d['misc']:
            print(f'bench: {name} log {p} has no "EXECMEM-BENCH end" record (guest failed or timed out)', file=sys.stderr)
            ok = False
    sb, eb = S['misc'].get('begin', {}), E['misc'].get('begin', {})
    hot_only = eb.get('level') == 'hotpath' or sb.get('level') == 'hotpath'
    secs = ([] if hot_only else build_sections(S, E)) + hot_sections(S, E)
    hdr = [f"stock 6.12 vs execmem 6.12 -- {sb.get('kernel', '?')} / {eb.get('kernel', '?')}, "
           f"level {eb.get('level', '?')}, {eb.get('cpus', '?')} CPUs, QEMU {a.qemu_accel} single node",
           'Times are emulated (TCG): read the ratios, not the absolute values. Nothing is asserted here.']
    lines = ['EXECMEM-BENCH-TABLE-BEGIN'] + hdr
    for title, rows, head in secs:
        if title.startswith('Stage ') and not a.details:
            continue
        lines += ['', title]
        lines += table(rows, head) if head else table(rows)
    for name, d in (('stock', S), ('execmem', E)):
        for err in d['errors']:
            lines.append(f'{name}: error {err}')
    lines.append('EXECMEM-BENCH-TABLE-END')
    print('\n'.join(lines))
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        out = os.path.abspath(a.out)
        svgs = charts(S, E, out)
        md = ['# execmem benchmark: stock 6.12 vs execmem 6.12', '',
              f'Date: {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC. ' + ' '.join(hdr), '']
        if a.note:
            md += [a.note, '']
        md += ['Both kernels are built from the same pristine Debian linux-source-6.12 tree with the same '
               'config fragments (scripts/execmem/base.config + tools/testing/selftests/execmem/config + '
               'scripts/execmem/bench.config, minus the execmem options for stock: no lockdep, no KUnit, '
               'no networking, VM_EVENT_COUNTERS and DEBUG_TLBFLUSH on) and boot under the same QEMU command '
               'line (`-accel tcg -cpu max -m 2G -smp 2`, one node) with the same workload '
               '(tools/testing/selftests/execmem/bench.sh, execmem.bench=' + str(eb.get('level', '?')) + '). '
               'Produced by `make bench`; raw guest logs: stock.log, execmem.log.', '',
               'How to read it: stages run in order on one boot and direct-map splits persist (6.12 never '
               're-merges the direct map), so the DirectMap4k change of a stage also depends on what earlier '
               'stages had already split; the DirectMap4k chart shows the cumulative value. On the execmem '
               'kernel EXECMEM_JIT, EXECMEM_BPF, EXECMEM_KPROBES and EXECMEM_FTRACE use the pool; module text '
               '(the modload and modules stages, and the module loader inside every stage) still takes the '
               '6.12 path on both kernels, so direct-map changes in those stages are the module loader\'s. '
               'ftrace\'s boot-time conversion of the mcount sites writes no text on x86 (the sites are '
               'already NOPs, objtool --mcount) and allocates no executable memory, so it is the same code on '
               'both kernels; the all-sites update at run time stands in for it. Times are TCG-emulated on a '
               'shared 2-CPU host: ratios only, and expect run-to-run noise of tens of percent (compare make '
               'demo and make bench runs).', '']
        for s in svgs:
            md += [f'![{s}]({s})', '']
        for title, rows, head in secs:
            md += [f'## {title}', '']
            md += md_table(rows, head) if head else md_table(rows)
            md.append('')
        errs = [f'{n}: {e}' for n, d in (('stock', S), ('execmem', E)) for e in d['errors']]
        if errs:
            md += ['## Errors', ''] + [f'- {e}' for e in errs] + ['']
        with open(os.path.join(out, 'report.md'), 'w') as f:
            f.write('\n'.join(md))
        with open(os.path.join(out, 'figures.json'), 'w') as f:
            json.dump({'stock': {k: v for k, v in S.items() if k in ('misc', 'snap', 'ops', 'hot')},
                       'execmem': {k: v for k, v in E.items() if k in ('misc', 'snap', 'ops', 'hot')}}, f, indent=1, sort_keys=True)
        shutil.copy(a.stock, os.path.join(out, 'stock.log'))
        shutil.copy(a.execmem, os.path.join(out, 'execmem.log'))
        print(f'[execmem] report: {out}/report.md', file=sys.stderr)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
