/* SPDX-License-Identifier: GPL-2.0 */
/*
 * classes/sound/nooks_sound.h - the sound class of the isolation layer
 * (nooks_sound.ko).
 */
#ifndef _NOOKS_SOUND_H
#define _NOOKS_SOUND_H

#include "iface.h"

extern const struct nooks_import_table nooks_sound_card_imports;

#endif /* _NOOKS_SOUND_H */
