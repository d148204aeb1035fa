#include "backlint/extract/registrable_domains.h"
