// librsvg renders nn's SVG figures with cairo, to PNG (an image surface) and
// PDF (a PDF surface); fontconfig says whether the fonts the SVG names exist.
//
// Nothing here is linked: NNPlot opens librsvg-2.so.2, libcairo.so.2,
// libgobject-2.0.so.0, libglib-2.0.so.0 and libfontconfig.so.1 with dlopen
// the first time a PNG or PDF is rendered (SVGRenderer+Library.swift), so
// `nn` starts without loading them and their ~70 dependencies (pango,
// harfbuzz, X11, gio...). So this header declares only what NNPlot calls:
// opaque handles, the two structs it reads (layouts as in glib 2.x and
// librsvg 2.46+, stable ABIs), the constants, and the function-pointer
// types of the calls, each copied from the libraries' own headers (values
// and layouts checked against cairo 1.16, fontconfig 2.13 and librsvg 2.48
// with a C program including the real headers). Debian runtime packages:
// librsvg2-2, libcairo2, libfontconfig1 (librsvg2-dev brings them all).
#ifndef NN_CRSVG_SHIM_H
#define NN_CRSVG_SHIM_H
#include <stddef.h>
#include <stdint.h>
#include <dlfcn.h>

typedef struct _cairo nn_cairo_t;
typedef struct _cairo_surface nn_cairo_surface_t;
typedef struct _RsvgHandle nn_RsvgHandle;
typedef struct _FcPattern nn_FcPattern;
typedef struct _FcConfig nn_FcConfig;

/// glib's GError: `{ GQuark domain; gint code; gchar *message; }`.
typedef struct { uint32_t domain; int code; char *message; } nn_GError;
/// librsvg's RsvgRectangle (2.46+).
typedef struct { double x; double y; double width; double height; } nn_RsvgRectangle;

// cairo_format_t, cairo_status_t, cairo_pdf_metadata_t (cairo.h, cairo-pdf.h)
enum { NN_CAIRO_FORMAT_RGB24 = 1 };
enum { NN_CAIRO_STATUS_SUCCESS = 0, NN_CAIRO_STATUS_WRITE_ERROR = 11 };
enum { NN_CAIRO_PDF_METADATA_CREATOR = 4 };
// FcMatchKind, FcResult (fontconfig.h)
enum { NN_FcMatchPattern = 0 };
enum { NN_FcResultMatch = 0, NN_FcResultNoMatch = 1 };

typedef int (*nn_cairo_write_func_t)(void *closure, const unsigned char *data, unsigned int length);

// glib / gobject
typedef void (*nn_g_object_unref_fn)(void *object);
typedef void (*nn_g_error_free_fn)(nn_GError *error);
// librsvg
typedef nn_RsvgHandle *(*nn_rsvg_handle_new_from_data_fn)(const uint8_t *data, size_t length, nn_GError **error);
typedef int (*nn_rsvg_handle_render_document_fn)(nn_RsvgHandle *handle, nn_cairo_t *cr, const nn_RsvgRectangle *viewport, nn_GError **error);
// cairo
typedef nn_cairo_surface_t *(*nn_cairo_image_surface_create_fn)(int format, int width, int height);
typedef nn_cairo_surface_t *(*nn_cairo_pdf_surface_create_for_stream_fn)(nn_cairo_write_func_t write, void *closure, double width, double height);
typedef void (*nn_cairo_pdf_surface_set_metadata_fn)(nn_cairo_surface_t *surface, int metadata, const char *utf8);
typedef void (*nn_cairo_surface_fn)(nn_cairo_surface_t *surface);
typedef int (*nn_cairo_surface_status_fn)(nn_cairo_surface_t *surface);
typedef int (*nn_cairo_surface_write_to_png_stream_fn)(nn_cairo_surface_t *surface, nn_cairo_write_func_t write, void *closure);
typedef nn_cairo_t *(*nn_cairo_create_fn)(nn_cairo_surface_t *target);
typedef void (*nn_cairo_fn)(nn_cairo_t *cr);
typedef int (*nn_cairo_status_fn)(nn_cairo_t *cr);
typedef void (*nn_cairo_set_source_rgb_fn)(nn_cairo_t *cr, double red, double green, double blue);
typedef const char *(*nn_cairo_status_to_string_fn)(int status);
// fontconfig
typedef int (*nn_FcInit_fn)(void);
typedef nn_FcPattern *(*nn_FcPatternCreate_fn)(void);
typedef void (*nn_FcPatternDestroy_fn)(nn_FcPattern *pattern);
typedef int (*nn_FcPatternAddString_fn)(nn_FcPattern *pattern, const char *object, const unsigned char *value);
typedef int (*nn_FcConfigSubstitute_fn)(nn_FcConfig *config, nn_FcPattern *pattern, int kind);
typedef void (*nn_FcDefaultSubstitute_fn)(nn_FcPattern *pattern);
typedef nn_FcPattern *(*nn_FcFontMatch_fn)(nn_FcConfig *config, nn_FcPattern *pattern, int *result);
typedef int (*nn_FcPatternGetString_fn)(const nn_FcPattern *pattern, const char *object, int n, unsigned char **value);
#endif
