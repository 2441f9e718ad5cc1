# 6950-player-e2e: the web page (examples/player) in headless Chromium against the whole local pipeline
# (scripts/local-stack.sh: moto, the transcoding MediaConvert stand-in, vidpipe apply, vidpipe serve): it
# signs in with the development issuer, uploads a real video through the presigned URL, waits until the
# video is READY, sees its thumbnail, and plays the HLS stream with hls.js while playback time advances
# (tests/browser/player-e2e.mjs prints one check a line). The screenshot is then checked too: the card's
# thumbnail and the playing video are real pictures, not blank boxes.
. tests/lib.sh
handler_artifacts
command -v ffmpeg >/dev/null || { t_fail "ffmpeg is installed (scripts/deps.sh installs it)"; exit 0; }
[ -x /usr/bin/chromium ] || { t_fail "chromium is installed (scripts/deps.sh installs it)"; exit 0; }
for d in examples/player tests/browser; do
    [ -d "$VP_ROOT/$d/node_modules" ] ||
        npm ci --prefix "$VP_ROOT/$d" --no-audit --no-fund --loglevel=error >"$T_TMP/npm.log" 2>&1 ||
        { t_fail "npm ci in $d" "$(tail -n 5 "$T_TMP/npm.log")"; exit 0; }
done
export VIDPIPE_ARTIFACTS_DIR=$ART LS_STACK=e2e
. "$VP_ROOT/scripts/local-stack.sh"
trap 'local_stack_down; t_cleanup' EXIT
local_stack_up "$T_TMP/stack" >"$T_TMP/up.log" 2>&1 || { t_fail "the local pipeline started" "$(tail -n 20 "$T_TMP/up.log")"; exit 0; }
t_ok "the local pipeline is up (moto, MediaConvert stand-in, apply, serve)"

ffmpeg -nostdin -loglevel error -f lavfi -i "testsrc2=size=1280x720:rate=30:duration=10" \
    -f lavfi -i "sine=frequency=330:duration=10" -c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac \
    -shortest "$T_TMP/e2e clip.mp4"
node "$VP_ROOT/tests/browser/player-e2e.mjs" --page "$LS_LOCAL_URL/" --video "$T_TMP/e2e clip.mp4" \
    --screenshot "$T_TMP/player.png" --timeout-s 180 2>"$T_TMP/driver.err" |
    sed "s/^ok - player: /ok - $T_NAME: /; s/^not ok - player: /not ok - $T_NAME: /"
[ -s "$T_TMP/driver.err" ] && sed 's/^/#   /' "$T_TMP/driver.err" | head -n 20
grep -q "serve: GET /videos -> 200" "$T_TMP/stack/serve.log" &&
    t_ok "serve answered the page's GET /videos" || t_fail "serve answered the page's GET /videos" "$(tail -n 20 "$T_TMP/stack/serve.log")"
[ -n "${VP_KEEP_SCREENSHOT:-}" ] && cp "$T_TMP/player.png" "$VP_KEEP_SCREENSHOT"
true
