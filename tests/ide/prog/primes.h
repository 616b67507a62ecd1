/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A program the guest's C compiler builds on the shadowed disk
 * (tests/ide/test_apps_ata_piix.sh, the campaign's tcc workload).
 */
unsigned long count_primes(unsigned long below);
unsigned long long fib(unsigned int n);
