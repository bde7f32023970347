# execmem project: build/test pipeline (see scripts/execmem/).
# Environment knobs (EXECMEM_BUILD, EXECMEM_BOOTS, EXECMEM_SKIP_*, ...): see
# the header of scripts/execmem/common.sh; those of the host harness: the
# header of tools/testing/execmem/Makefile.
S := scripts/execmem
SHELL := /bin/bash

.PHONY: help check demo demo-pool bench deps tree kernel stock harness boot-stock boot-kernel clean distclean

help:
	@echo 'make check      deps, host harness, execmem kernel + test modules, boots (single, numa2),'
	@echo '               W=1 builds, pool-off kernel + boot, arm64 cross build, summary'
	@echo 'make demo       deps, stock + execmem kernels, same workload on each (bench.sh quick), side-by-side table'
	@echo 'make bench      as demo with the longer workload; writes results/<date>-<kernelversion>/ (report.md, SVG)'
	@echo 'make demo-pool  deps, execmem kernel only, boot with execmem.mode=demo, print the pool demo block'
	@echo 'make deps       install build/boot tools with apt-get (root) or list missing ones'
	@echo 'make harness    host harness only (tools/testing/execmem)'
	@echo 'make tree       apply overlay + patches/ to build/execmem/linux (incremental)'
	@echo 'make kernel     deps + tree + build execmem kernel and test modules (build/execmem/linux/obj)'
	@echo 'make stock      deps + build the unpatched kernel, same config minus execmem options (build/stock/linux/obj)'
	@echo 'make boot-stock / boot-kernel   boot one guest (MODE=check|demo|none|<x>, TOPO=single|numa2)'
	@echo 'make clean      remove object dirs, logs, initramfs (keeps pristine tree, ccache)'
	@echo 'make distclean  remove build/ entirely'

deps:
	@$(S)/deps.sh

check: deps
	@$(S)/check.sh

demo: deps
	@EXECMEM_BENCH_CONFIG=$${EXECMEM_BENCH_CONFIG:-1} EXECMEM_START=$$(date +%s) $(S)/run-bench.sh quick

bench: deps
	@EXECMEM_BENCH_CONFIG=$${EXECMEM_BENCH_CONFIG:-1} EXECMEM_START=$$(date +%s) $(S)/run-bench.sh full

demo-pool: deps
	@EXECMEM_START=$$(date +%s) $(S)/run-demo.sh

harness:
	@if [ -f tools/testing/execmem/Makefile ]; then $(MAKE) -C tools/testing/execmem check; \
	 else echo "SKIP host harness: tools/testing/execmem/Makefile missing"; fi

tree: deps
	@$(S)/prepare-tree.sh

kernel: tree
	@$(S)/build-kernel.sh execmem

stock: deps
	@bash -c '. $(S)/common.sh; ensure_pristine'
	@$(S)/build-kernel.sh stock

MODE ?= check
TOPO ?= single
boot-stock:
	@$(S)/boot.sh stock stock-$(TOPO) $(MODE) $(TOPO); \
	 python3 $(S)/ktap-summary.py --no-tests-ok stock-$(TOPO)=$${EXECMEM_BUILD:-build}/logs/stock-$(TOPO).log

boot-kernel:
	@$(S)/boot.sh execmem $(TOPO) $(MODE) $(TOPO); \
	 python3 $(S)/ktap-summary.py $(TOPO)=$${EXECMEM_BUILD:-build}/logs/$(TOPO).log

clean:
	rm -rf $${EXECMEM_BUILD:-build}/stock/linux/obj* $${EXECMEM_BUILD:-build}/execmem/linux/obj* $${EXECMEM_BUILD:-build}/stock/obj* $${EXECMEM_BUILD:-build}/execmem/obj* $${EXECMEM_BUILD:-build}/logs $${EXECMEM_BUILD:-build}/initramfs $${EXECMEM_BUILD:-build}/staging
	-@[ -f tools/testing/execmem/Makefile ] && $(MAKE) -C tools/testing/execmem clean || true

distclean:
	rm -rf $${EXECMEM_BUILD:-build}
