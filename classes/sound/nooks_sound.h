/* SPDX-License-Identifier: GPL-2.0 */
/*
 * classes/sound/nooks_sound.h - the sound class of the isolation layer
 * (nooks_sound.ko).
 */
#ifndef _NOOKS_SOUND_H
#define _NOOKS_SOUND_H

#include "iface.h"

extern const struct nooks_import_table nooks_sound_card_imports;
extern struct nooks_obj_type nooks_snd_obj_card;
extern struct nooks_obj_type nooks_snd_obj_card_devm;
extern const struct nooks_import_table nooks_sound_ctl_imports;
extern const struct nooks_import_table nooks_sound_pcm_imports;

int nooks_snd_pcm_check(void);

int nooks_snd_ctl_check(void);
void nooks_snd_ctl_exit(void);

#endif /* _NOOKS_SOUND_H */
