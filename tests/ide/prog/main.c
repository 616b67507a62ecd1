// SPDX-License-Identifier: GPL-2.0
/* A program the guest's C compiler builds on the shadowed disk. */
#include <stdio.h>
#include "primes.h"
int main(void)
{
	printf("primes below 100000: %lu\n", count_primes(100000));
	printf("fib(90): %llu\n", fib(90));
	return 0;
}
