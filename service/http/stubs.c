/* Route lists not written yet (each moves to its resource file). */
#include "http/router.h"

