#include "backlint/decode/json_page_decoder.h"
