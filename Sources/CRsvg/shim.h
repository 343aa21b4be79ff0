// librsvg renders nn's SVG figures with cairo, to PNG (an image surface) and
// PDF (a PDF surface); fontconfig says whether the fonts the SVG names exist.
// Debian: librsvg2-dev (which brings libcairo2-dev and libfontconfig-dev);
// include paths come from pkg-config's librsvg-2.0.
#define RSVG_DISABLE_DEPRECATION_WARNINGS 1
#include <librsvg/rsvg.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
