//! Leptos's counter example: the yardstick for the app's size budget.

use leptos::prelude::*;

#[component]
fn Counter(initial: i32) -> impl IntoView {
    let (value, set_value) = signal(initial);
    view! {
        <button on:click=move |_| set_value.set(0)>"Clear"</button>
        <button on:click=move |_| *set_value.write() -= 1>"-1"</button>
        <span>"Value: " {value} "!"</span>
        <button on:click=move |_| set_value.update(|value| *value += 1)>"+1"</button>
    }
}

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(|| view! { <Counter initial=0 /> })
}
