//! Scanning: the camera (frames decoded in wasm by the QR module in a Web Worker,
//! `pwa/scanner-worker.js`; nothing leaves the device) or pasted text. An offer goes to
//! the receive page; a request from another device's screen is answered with a QR code
//! for that device's camera.

use crate::error_text::error_text;
use credential::ErrorCode;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, ImageData, MediaStream,
    MessageEvent, Worker, WorkerOptions, WorkerType,
};

use super::present::ConsentFlow;
use super::state::Ctx;
use crate::logic::incoming::{self, Incoming};
use crate::logic::wallet::Channel;

/// Largest camera frame decoded (pixels per side).
const MAX_FRAME_SIDE: u32 = 1280;

/// What was read.
#[derive(Debug, Clone, PartialEq)]
enum Found {
    Nothing,
    Request(Box<credential::openid4vp::AuthorizationRequest>),
    /// Unreadable: the error's code.
    Invalid(&'static str),
}

/// The scan page.
#[component]
pub(crate) fn Scan() -> impl IntoView {
    let ctx = Ctx::get();
    let t = move || ctx.lang.get().text();
    let found = RwSignal::new(Found::Nothing);
    let pasted = RwSignal::new(String::new());
    let camera_error = RwSignal::new(None::<String>);
    let camera = StoredValue::new_local(None::<Camera>);
    let video = NodeRef::<leptos::html::Video>::new();

    let handle = move |text: String| match incoming::parse(&text) {
        Ok(Incoming::Offer(offer)) => ctx.go(&format!("/receive?{}", offer.to_query())),
        Ok(Incoming::Request(request)) => found.set(Found::Request(request)),
        Err(err) => found.set(Found::Invalid(err.code())),
    };
    on_cleanup(move || stop(camera));

    let start_camera = move |_| {
        leptos::task::spawn_local(async move {
            match open_camera().await {
                Ok(opened) => {
                    if let Some(video) = video.get_untracked() {
                        video.set_src_object(Some(&opened));
                        let _ = video.play();
                    }
                    match Camera::start(opened, camera, handle) {
                        Ok(started) => {
                            camera.set_value(Some(started));
                            watch(video, camera);
                        }
                        Err(reason) => camera_error.set(Some(reason)),
                    }
                }
                Err(reason) => camera_error.set(Some(reason)),
            }
        });
    };

    view! {
        {move || match found.get() {
            Found::Request(request) => view! { <ConsentFlow request=*request channel=Channel::CrossDevice/> }.into_any(),
            Found::Invalid(code) => view! {
                <section class="card error" role="alert" data-testid="scan-error" data-code=code>
                    <p>{error_text(t(), code, "")}</p>
                    <button on:click=move |_| found.set(Found::Nothing)>{t().try_again}</button>
                </section>
            }.into_any(),
            Found::Nothing => ().into_any(),
        }}
        <section class="card" aria-labelledby="scan-heading" hidden=move || found.with(|f| *f != Found::Nothing)>
            <h2 id="scan-heading">{move || t().scan_heading}</h2>
            <p>{move || t().scan_explainer}</p>
            <video node_ref=video class="camera" muted=true playsinline=true aria-label=move || t().camera></video>
            <button on:click=start_camera>{move || t().start_camera}</button>
            {move || camera_error.get().map(|e| view! { <p class="error" role="alert">{t().camera_unavailable}" ("{e}")"</p> })}
            <label for="pasted">{move || t().paste_label}</label>
            <textarea id="pasted" data-testid="paste" rows="4"
                prop:value=move || pasted.get()
                on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
            <button class="primary" data-testid="paste-go" on:click=move |_| handle(pasted.get_untracked())>
                {move || t().continue_}
            </button>
        </section>
    }
}

/// The running camera and the worker that decodes its frames.
struct Camera {
    stream: MediaStream,
    worker: Worker,
    busy: Rc<Cell<bool>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl Camera {
    /// Starts the decoding worker; `handle` gets the first QR code's text.
    fn start(
        stream: MediaStream,
        camera: StoredValue<Option<Camera>, LocalStorage>,
        handle: impl Fn(String) + Copy + 'static,
    ) -> Result<Self, String> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options("/scanner-worker.js", &options)
            .map_err(|_| "the QR decoder cannot start".to_owned())?;
        let busy = Rc::new(Cell::new(false));
        let idle = Rc::clone(&busy);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            idle.set(false);
            if let Some(text) = event.data().as_string() {
                stop(camera);
                handle(text);
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Ok(Self {
            stream,
            worker,
            busy,
            _on_message: on_message,
        })
    }

    /// Hands a frame to the worker unless it is still decoding the previous one.
    fn offer(&self, frame: &ImageData) {
        if !self.busy.get() && self.worker.post_message(frame).is_ok() {
            self.busy.set(true);
        }
    }
}

/// Stops the camera and its worker, if they run.
fn stop(camera: StoredValue<Option<Camera>, LocalStorage>) {
    if let Some(camera) = camera.try_update_value(Option::take).flatten() {
        for track in camera.stream.get_tracks().iter() {
            track.unchecked_into::<web_sys::MediaStreamTrack>().stop();
        }
        camera.worker.terminate();
    }
}

async fn open_camera() -> Result<MediaStream, String> {
    let window = web_sys::window().ok_or("no window")?;
    let devices = window
        .navigator()
        .media_devices()
        .map_err(|_| "no camera access in this browser".to_owned())?;
    let constraints = web_sys::MediaStreamConstraints::new();
    let video = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&video, &"facingMode".into(), &"environment".into());
    constraints.set_video(&video);
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|_| "camera unavailable".to_owned())?;
    let stream = JsFuture::from(promise).await.map_err(|err: JsValue| {
        js_sys::Reflect::get(&err, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_else(|| "camera unavailable".into())
    })?;
    Ok(stream.unchecked_into())
}

/// Hands a frame to the decoder every 250 ms until a code is read or the camera stops.
fn watch(video: NodeRef<leptos::html::Video>, camera: StoredValue<Option<Camera>, LocalStorage>) {
    let canvas: Option<HtmlCanvasElement> = document()
        .create_element("canvas")
        .ok()
        .and_then(|c| c.dyn_into().ok());
    let tick = move || {
        if camera.with_value(Option::is_none) {
            return true;
        }
        if let (Some(video), Some(canvas)) = (video.get_untracked(), canvas.as_ref())
            && let Some(frame) = read_frame(&video, canvas)
        {
            camera.with_value(|camera| {
                if let Some(camera) = camera {
                    camera.offer(&frame);
                }
            });
        }
        false
    };
    schedule(Rc::new(tick));
}

fn schedule(tick: Rc<dyn Fn() -> bool>) {
    set_timeout(
        move || {
            if !tick() {
                schedule(tick);
            }
        },
        Duration::from_millis(250),
    );
}

fn read_frame(video: &HtmlVideoElement, canvas: &HtmlCanvasElement) -> Option<ImageData> {
    let (width, height) = (video.video_width(), video.video_height());
    if width == 0 || height == 0 {
        return None;
    }
    let scale = (f64::from(MAX_FRAME_SIDE) / f64::from(width.max(height))).min(1.0);
    let (w, h) = (
        (f64::from(width) * scale) as u32,
        (f64::from(height) * scale) as u32,
    );
    canvas.set_width(w);
    canvas.set_height(h);
    let context: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    context
        .draw_image_with_html_video_element_and_dw_and_dh(
            video,
            0.0,
            0.0,
            f64::from(w),
            f64::from(h),
        )
        .ok()?;
    context
        .get_image_data(0.0, 0.0, f64::from(w), f64::from(h))
        .ok()
}
