#!/bin/sh
./hotpath_bench burst 20000 3
