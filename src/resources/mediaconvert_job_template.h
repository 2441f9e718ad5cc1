/* mediaconvert_job_template.h: the mediaconvert_job_template provider's parts (internal to
 * src/resources/mediaconvert_job_template*.c). */
#ifndef VP_RESOURCES_MEDIACONVERT_JOB_TEMPLATE_H
#define VP_RESOURCES_MEDIACONVERT_JOB_TEMPLATE_H

#include <jansson.h>

#include "engine/resource.h"
#include "spec/schema.h"

/* mediaconvert_job_template_schema.c: the rules across attributes (renditions: 1 to 10, distinct names, even
 * sizes). */
vp_type_check_fn vp_mediaconvert_job_template_check;

/* mediaconvert_job_template_settings.c */
/* MediaConvert's Settings document (wire names: "outputGroups", "hlsGroupSettings", ...) that the attributes
 * describe: an HLS group with one H.264 QVBR + AAC output per rendition and a frame-capture group for the
 * thumbnails, plus the input template the convert handler fills in. A new reference. */
json_t *mcjt_settings_from_attrs(const json_t *attrs);
/* Sets, in live, the attributes that the Settings document determines (destination, renditions,
 * segment_length, audio_bitrate, thumbnails), read back from a live document (a value the document does not
 * hold reads as null, so it shows as a difference), and its settings_fingerprint: the generator's fingerprint
 * when the attributes read back regenerate the document exactly, else the hex SHA-256 of the document itself. */
void mcjt_read_settings(const json_t *settings, json_t *live);
/* The type's prepare_want: settings_fingerprint, the generator's fingerprint (the hex SHA-256 of the document
 * generated for a fixed reference ladder): what a template vidpipe wrote reads back as. */
int mcjt_prepare_want(json_t *want, struct vp_err *err);

#endif
