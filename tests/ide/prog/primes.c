// SPDX-License-Identifier: GPL-2.0
/* A program the guest's C compiler builds on the shadowed disk. */
#include <stdlib.h>
#include <string.h>
#include "primes.h"
unsigned long count_primes(unsigned long below)
{
	char *c = calloc(below, 1);
	unsigned long i, j, n = 0;

	for (i = 2; i < below; i++) {
		if (c[i])
			continue;
		n++;
		for (j = i * i; j < below; j += i)
			c[j] = 1;
	}
	free(c);
	return n;
}
