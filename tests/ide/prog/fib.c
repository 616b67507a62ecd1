// SPDX-License-Identifier: GPL-2.0
/* A program the guest's C compiler builds on the shadowed disk. */
#include "primes.h"
unsigned long long fib(unsigned int n)
{
	unsigned long long a = 0, b = 1, t;

	while (n--) {
		t = a + b;
		a = b;
		b = t;
	}
	return a;
}
