// CVector is header-only (include/CVector.h); SwiftPM needs one source file.
#include "CVector.h"
