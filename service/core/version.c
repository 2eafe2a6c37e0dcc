/* The version string, given by the Makefile at build time (only this file is rebuilt when
 * it changes). */
#include "core/version.h"

#ifndef RENDICION_VERSION
#define RENDICION_VERSION "unknown"
#endif

const char rendicion_version[] = RENDICION_VERSION;
