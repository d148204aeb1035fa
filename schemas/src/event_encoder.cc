#include "backlint/encode/event_encoder.h"
