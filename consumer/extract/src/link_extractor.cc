#include "backlint/extract/link_extractor.h"
