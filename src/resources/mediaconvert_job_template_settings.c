/* mediaconvert_job_template_settings.c: the attributes a user states (a rendition ladder, a segment length,
 * an audio bitrate, thumbnails) as MediaConvert's Settings document, and back.
 *
 * The document follows AWS's Video on Demand solution: an HLS group whose outputs are H.264 in QVBR with a
 * capped bitrate, one GOP per segment (GopSize in seconds = SegmentLength) so every segment starts on a key
 * frame, AAC stereo at 48 kHz; and a file group of one frame-capture output (JPEG every interval_seconds). The
 * input template names "Audio Selector 1" (which the outputs' audio takes) and the video selector; each job
 * gives the file (the convert handler copies inputs[0] and sets fileInput) and its own destinations.
 *
 * Keys are MediaConvert's wire names (locationName: "outputGroups", "h264Settings"), as REST-JSON sends them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "engine/diff.h"
#include "resources/common.h"
#include "resources/mediaconvert_job_template.h"

#define AUDIO_SELECTOR "Audio Selector 1"

static json_int_t num(const json_t *obj, const char *key)
{
    return (json_int_t)vp_res_int(obj, key);
}

static json_t *input_template(void)
{
    return json_pack("[{s:{s:{s:s}}, s:{}, s:s}]", "audioSelectors", AUDIO_SELECTOR, "defaultSelection", "DEFAULT",
                     "videoSelector", "timecodeSource", "ZEROBASED");
}

static json_t *h264_settings(const json_t *rendition, json_int_t segment_length)
{
    return json_pack("{s:s, s:{s:I}, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
                     "rateControlMode", "QVBR",
                     "qvbrSettings", "qvbrQualityLevel", num(rendition, "qvbr_quality"),
                     "maxBitrate", num(rendition, "max_bitrate"),
                     "gopSize", segment_length,
                     "gopSizeUnits", "SECONDS",
                     "sceneChangeDetect", "TRANSITION_DETECTION",
                     "codecLevel", "AUTO",
                     "framerateControl", "INITIALIZE_FROM_SOURCE",
                     "parControl", "INITIALIZE_FROM_SOURCE",
                     "interlaceMode", "PROGRESSIVE",
                     "qualityTuningLevel", "SINGLE_PASS_HQ");
}

static json_t *hls_output(const json_t *rendition, json_int_t segment_length, json_int_t audio_bitrate)
{
    const char *name = vp_res_str(rendition, "name");
    char *modifier = vp_xasprintf("_%s", name ? name : "");
    json_t *out = json_pack(
        "{s:s, s:{s:s, s:{}}, s:{s:I, s:I, s:{s:s, s:o}}, s:[{s:s, s:{s:s, s:{s:I, s:s, s:i}}}]}",
        "nameModifier", modifier,
        "containerSettings", "container", "M3U8", "m3u8Settings",
        "videoDescription", "width", num(rendition, "width"), "height", num(rendition, "height"),
            "codecSettings", "codec", "H_264", "h264Settings", h264_settings(rendition, segment_length),
        "audioDescriptions", "audioSourceName", AUDIO_SELECTOR,
            "codecSettings", "codec", "AAC", "aacSettings", "bitrate", audio_bitrate,
                "codingMode", "CODING_MODE_2_0", "sampleRate", 48000);

    free(modifier);
    return out;
}

static json_t *hls_group(const json_t *attrs)
{
    json_int_t segment_length = num(attrs, "segment_length"), audio_bitrate = num(attrs, "audio_bitrate");
    const char *destination = vp_res_str(attrs, "destination");
    json_t *outputs = json_array(), *rendition;
    size_t i;

    json_array_foreach(json_object_get(attrs, "renditions"), i, rendition)
        json_array_append_new(outputs, hls_output(rendition, segment_length, audio_bitrate));
    return json_pack("{s:s, s:{s:s, s:{s:s, s:I, s:i, s:s, s:s, s:s}}, s:o}",
                     "name", "HLS",
                     "outputGroupSettings", "type", "HLS_GROUP_SETTINGS",
                         "hlsGroupSettings", "destination", destination ? destination : "",
                         "segmentLength", segment_length, "minSegmentLength", 0,
                         "segmentControl", "SEGMENTED_FILES", "manifestDurationFormat", "INTEGER",
                         "directoryStructure", "SINGLE_DIRECTORY",
                     "outputs", outputs);
}

static json_t *thumbnail_group(const json_t *attrs)
{
    const json_t *t = json_object_get(attrs, "thumbnails");
    const char *destination = vp_res_str(attrs, "destination");
    char *where = vp_xasprintf("%sthumbnails/", destination ? destination : "");
    json_t *group = json_pack(
        "{s:s, s:{s:s, s:{s:s}}, s:[{s:s, s:s, s:{s:s}, s:{s:I, s:I, s:{s:s, s:{s:i, s:I, s:I, s:I}}}}]}",
        "name", "Thumbnails",
        "outputGroupSettings", "type", "FILE_GROUP_SETTINGS", "fileGroupSettings", "destination", where,
        "outputs", "nameModifier", "_thumb", "extension", "jpg", "containerSettings", "container", "RAW",
            "videoDescription", "width", num(t, "width"), "height", num(t, "height"),
                "codecSettings", "codec", "FRAME_CAPTURE", "frameCaptureSettings",
                    "framerateNumerator", 1, "framerateDenominator", num(t, "interval_seconds"),
                    "maxCaptures", num(t, "max_captures"), "quality", num(t, "quality"));

    free(where);
    return group;
}

json_t *mcjt_settings_from_attrs(const json_t *attrs)
{
    return json_pack("{s:o, s:[o, o], s:{s:s}}", "inputs", input_template(), "outputGroups", hls_group(attrs),
                     thumbnail_group(attrs), "timecodeConfig", "source", "ZEROBASED");
}

/* ---- back: the attributes a live document holds ---- */

static json_t *at(const json_t *v, const char *path)
{
    char key[64];

    while (v && *path) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof(key))
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        v = json_object_get(v, key);
        path += n + (path[n] == '.');
    }
    return (json_t *)v;
}

/* An integer (MediaConvert's doubles, such as gopSize, may come back as 6.0), else null. */
static json_t *int_at(const json_t *v, const char *path)
{
    json_t *x = at(v, path);

    if (json_is_integer(x))
        return json_integer(json_integer_value(x));
    if (json_is_real(x) && json_real_value(x) == (double)(json_int_t)json_real_value(x))
        return json_integer((json_int_t)json_real_value(x));
    return json_null();
}

/* The first output group of that type. */
static json_t *group_of(const json_t *settings, const char *type)
{
    json_t *group;
    size_t i;

    json_array_foreach(json_object_get(settings, "outputGroups"), i, group) {
        const char *t = json_string_value(at(group, "outputGroupSettings.type"));
        if (t && strcmp(t, type) == 0)
            return group;
    }
    return NULL;
}

static json_t *rendition_of(const json_t *output)
{
    const char *modifier = json_string_value(json_object_get(output, "nameModifier"));
    json_t *r = json_object();

    json_object_set_new(r, "name", modifier ? json_string(modifier[0] == '_' ? modifier + 1 : modifier) : json_null());
    json_object_set_new(r, "width", int_at(output, "videoDescription.width"));
    json_object_set_new(r, "height", int_at(output, "videoDescription.height"));
    json_object_set_new(r, "max_bitrate", int_at(output, "videoDescription.codecSettings.h264Settings.maxBitrate"));
    json_object_set_new(r, "qvbr_quality",
                        int_at(output, "videoDescription.codecSettings.h264Settings.qvbrSettings.qvbrQualityLevel"));
    return r;
}

static json_t *thumbnails_of(const json_t *group)
{
    json_t *output = NULL, *o, *t = json_object();
    const char *fc = "videoDescription.codecSettings.frameCaptureSettings.";
    char path[128];
    size_t i;

    json_array_foreach(json_object_get(group, "outputs"), i, o) {
        const char *codec = json_string_value(at(o, "videoDescription.codecSettings.codec"));
        if (codec && strcmp(codec, "FRAME_CAPTURE") == 0) {
            output = o;
            break;
        }
    }
    snprintf(path, sizeof(path), "%sframerateDenominator", fc);
    json_object_set_new(t, "interval_seconds", int_at(output, path));
    snprintf(path, sizeof(path), "%smaxCaptures", fc);
    json_object_set_new(t, "max_captures", int_at(output, path));
    json_object_set_new(t, "width", int_at(output, "videoDescription.width"));
    json_object_set_new(t, "height", int_at(output, "videoDescription.height"));
    snprintf(path, sizeof(path), "%squality", fc);
    json_object_set_new(t, "quality", int_at(output, path));
    return t;
}

static void attrs_from_settings(const json_t *settings, json_t *live)
{
    json_t *hls = group_of(settings, "HLS_GROUP_SETTINGS"), *renditions = json_array(), *output;
    json_t *destination = at(hls, "outputGroupSettings.hlsGroupSettings.destination");
    size_t i;

    json_object_set_new(live, "destination", json_is_string(destination) ? json_copy(destination) : json_null());
    json_object_set_new(live, "segment_length", int_at(hls, "outputGroupSettings.hlsGroupSettings.segmentLength"));
    json_array_foreach(json_object_get(hls, "outputs"), i, output)
        json_array_append_new(renditions, rendition_of(output));
    json_object_set_new(live, "renditions", renditions);
    output = json_array_get(json_object_get(hls, "outputs"), 0);
    json_object_set_new(live, "audio_bitrate",
                        int_at(json_array_get(json_object_get(output, "audioDescriptions"), 0),
                               "codecSettings.aacSettings.bitrate"));
    json_object_set_new(live, "thumbnails", thumbnails_of(group_of(settings, "FILE_GROUP_SETTINGS")));
}

/* ---- the fingerprint ---- */

/* A copy with every integral real as an integer: 6.0 and 6 are the same setting. */
static json_t *canonical(const json_t *v)
{
    const char *key;
    json_t *item, *out;
    size_t i;

    if (json_is_real(v) && json_real_value(v) == (double)(json_int_t)json_real_value(v))
        return json_integer((json_int_t)json_real_value(v));
    if (json_is_array(v)) {
        out = json_array();
        json_array_foreach(v, i, item)
            json_array_append_new(out, canonical(item));
        return out;
    }
    if (json_is_object(v)) {
        out = json_object();
        json_object_foreach((json_t *)v, key, item)
            json_object_set_new(out, key, canonical(item));
        return out;
    }
    return v ? json_deep_copy(v) : json_null();
}

/* Hex only: plans show a "sha256:" value as a secret's digest, "(sensitive)". */
static char *fingerprint_of(const json_t *settings)
{
    json_t *c = canonical(settings);
    char *digest = vp_json_digest(c), *hex = vp_xstrdup(digest + strlen("sha256:"));

    json_decref(c);
    free(digest);
    return hex;
}

/* The document generated for a fixed reference ladder: it changes only when the generator does. */
static char *generated_fingerprint(void)
{
    json_t *ref = json_pack("{s:s, s:[{s:s, s:i, s:i, s:i, s:i}], s:i, s:i, s:{s:i, s:i, s:i, s:i, s:i}}",
                            "destination", "s3://reference/", "renditions", "name", "r", "width", 1280,
                            "height", 720, "max_bitrate", 6000000, "qvbr_quality", 7, "segment_length", 6,
                            "audio_bitrate", 96000, "thumbnails", "interval_seconds", 5, "max_captures", 10,
                            "width", 640, "height", 360, "quality", 80);
    json_t *settings = mcjt_settings_from_attrs(ref);
    char *fp = fingerprint_of(settings);

    json_decref(settings);
    json_decref(ref);
    return fp;
}

/* Whether the attributes read back regenerate the live document exactly. */
static bool regenerates(const json_t *settings, const json_t *live)
{
    json_t *again = mcjt_settings_from_attrs(live), *a = canonical(again), *b = canonical(settings);
    bool same = json_equal(a, b);

    json_decref(again);
    json_decref(a);
    json_decref(b);
    return same;
}

void mcjt_read_settings(const json_t *settings, json_t *live)
{
    char *fp;

    attrs_from_settings(settings, live);
    fp = regenerates(settings, live) ? generated_fingerprint() : fingerprint_of(settings);
    json_object_set_new(live, "settings_fingerprint", json_string(fp));
    free(fp);
}

int mcjt_prepare_want(json_t *want, struct vp_err *err)
{
    char *fp = generated_fingerprint();

    (void)err;
    json_object_set_new(want, "settings_fingerprint", json_string(fp));
    free(fp);
    return 0;
}
