//! The storefront: catalogue, product page, cart, checkout, confirmation.
//!
//! The pages are server HTML; the islands (`AddToCartForm`, `CartEditor`,
//! `checkout::CheckoutForm`, and the header's `layout::CartCount`) are the
//! parts that run in the browser. They tell each other about a changed cart
//! through `cart_changed`.

pub mod api;
pub mod models;
pub mod rules;
pub mod text;

mod checkout;

pub use checkout::CheckoutPage;

use crate::error::AppError;
use crate::i18n::{self, price};
use crate::locale::{page_href, Locale, Written};
use crate::shared_part;
use crate::ui::{refetch_on, ErrorMessage};
use api::{get_cart, get_catalog, get_order, get_product, AddToCart, UpdateCartLine};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use models::{CartView, Catalog, ProductCard, ProductDetail};
use text::text;

/// Bumped whenever the cart may have changed; the header's item count and
/// the cart page refetch when it moves. Islands share no reactive owner, so
/// in the browser it is one signal for the page (`crate::page_signal`); on
/// the server one per request.
#[derive(Clone, Copy)]
pub struct CartChanged(pub RwSignal<usize>);

pub fn cart_changed() -> RwSignal<usize> {
    crate::page_signal!(CartChanged)
}

/// A server action that changes the cart, for an island; each run makes
/// the islands that show the cart refetch it (`on_cart_change`). The error
/// of a no-JavaScript post reaches it on the server through the router (so
/// create it in an island rendered by a route) and in the browser through
/// `hydrate_islands`.
pub fn cart_action<S>() -> ServerAction<S>
where
    S: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    let action = ServerAction::<S>::new();
    let changed = cart_changed();
    Effect::watch(
        move || action.version().get(),
        move |_, _, _| changed.update(|v| *v += 1),
        false,
    );
    action
}

/// In an island that shows the cart: `then` gets the visitor's cart again
/// each time it changes on the page. A cart that could not be read leaves
/// the island as it was.
pub fn on_cart_change(then: impl Fn(CartView) + Clone + 'static) {
    let locale = Locale::current();
    refetch_on(
        cart_changed(),
        move || get_cart(locale),
        move |cart| {
            if let Ok(cart) = cart {
                then(cart);
            }
        },
    );
}

/// A product picture. `eager` for a picture in the first screenful: a lazy
/// one is only asked for after layout, behind the wasm on a slow phone
/// connection, and it is the page's largest paint (Lighthouse, issue 13).
#[component]
fn ProductImage(
    image: Option<String>,
    name: Written,
    #[prop(optional)] eager: bool,
) -> impl IntoView {
    match image {
        Some(src) => view! {
            <img
                src=src
                lang=name.lang_attr(Locale::current())
                alt=name.text
                width="320"
                height="240"
                loading=if eager { "eager" } else { "lazy" }
                fetchpriority=if eager { "high" } else { "auto" }
            />
        }
        .into_any(),
        None => view! { <div class="no-image" aria-hidden="true"></div> }.into_any(),
    }
}

/// Adds one product to the cart; works as a plain form post without JS.
/// An island: with JS it says so in place and the header's count follows.
#[island]
fn AddToCartForm(
    product_id: i32,
    available: bool,
    /// A quantity field (the product page), else one at a time.
    with_quantity: bool,
) -> impl IntoView {
    let t = text();
    let add = cart_action::<AddToCart>();
    let outcome = move || {
        add.value().get().map(|result| match result {
            Ok(_) => view! { <p class="notice" role="status">{t.added_to_cart}</p> }.into_any(),
            Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
        })
    };
    view! {
        <ActionForm action=add attr:class="add-to-cart">
            <input type="hidden" name="product_id" value=product_id/>
            {if with_quantity {
                view! {
                    <label class="quantity">
                        {t.quantity}
                        <input type="number" name="quantity" value="1" min="1" max="99" required/>
                    </label>
                }
                    .into_any()
            } else {
                view! { <input type="hidden" name="quantity" value="1"/> }.into_any()
            }}
            <button type="submit" disabled=!available>
                {if available { t.add_to_cart } else { t.sold_out }}
            </button>
        </ActionForm>
        {outcome}
    }
}

#[component]
fn ProductGrid(products: Vec<ProductCard>) -> impl IntoView {
    let t = text();
    let locale = Locale::current();
    if products.is_empty() {
        return view! { <p class="empty">{t.no_products}</p> }.into_any();
    }
    view! {
        <ul class="product-grid">
            {products
                .into_iter()
                .enumerate()
                .map(|(i, p)| {
                    let href = page_href(&format!("/products/{}", p.slug));
                    view! {
                        <li class="product-card">
                            <a href=href>
                                // One column on a phone: the first two fill the screen.
                                <ProductImage image=p.image name=p.name.clone() eager=i < 2/>
                                <h3 lang=p.name.lang_attr(locale)>{p.name.text.clone()}</h3>
                            </a>
                            <p class="price">{price(p.price_cents)}</p>
                            <AddToCartForm product_id=p.id available=p.in_stock with_quantity=false/>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn CatalogView(catalog: Catalog, query: String) -> impl IntoView {
    let t = text();
    let locale = Locale::current();
    let chosen = catalog.category.as_ref().map(|c| c.slug.clone());
    let (heading, heading_lang) = catalog
        .category
        .as_ref()
        .map_or((i18n::layout().catalog.to_owned(), None), |c| {
            (c.name.text.clone(), c.name.lang_attr(locale))
        });
    let all_class = if chosen.is_none() { "active" } else { "" };
    view! {
        <nav class="categories" aria-label=t.categories>
            <a href=page_href("/") class=all_class>{t.all_categories}</a>
            {catalog
                .categories
                .into_iter()
                .map(|c| {
                    let class = if chosen.as_deref() == Some(c.slug.as_str()) { "active" } else { "" };
                    let lang = c.name.lang_attr(locale);
                    view! { <a href=page_href(&format!("/?category={}", c.slug)) class=class lang=lang>{c.name.text}</a> }
                })
                .collect_view()}
        </nav>
        <h2 lang=heading_lang>{heading}</h2>
        // A plain GET: the results are a page of their own.
        <form method="get" action=page_href("/") class="search">
            {chosen.map(|slug| view! { <input type="hidden" name="category" value=slug/> })}
            <input type="search" name="q" value=query placeholder=t.search_placeholder aria-label=t.search_placeholder/>
            <button type="submit">{t.search_button}</button>
        </form>
        <ProductGrid products=catalog.products/>
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.read().get("q").unwrap_or_default();
    let category = move || query.read().get("category").filter(|c| !c.is_empty());
    let locale = Locale::current();
    let title = || view! { <Title text=i18n::layout().shop_name/> };
    // The grid without a search is everyone's: kept once, copied into the
    // pages of visitors with a session (`shared_part`).
    let part = shared_part::key_for(
        "catalogue",
        &category().unwrap_or_default(),
        &query.read_untracked(),
        &["category"],
    );
    if let Some(kept) = shared_part::kept(&part) {
        return view! { {title()} {kept} }.into_any();
    }
    let generation = shared_part::generation();
    let catalog = Resource::new(
        move || (search(), category(), locale),
        |(q, c, locale)| get_catalog(Some(q), c, locale),
    );
    view! {
        {title()}
        <Suspense fallback=|| view! { <p>{i18n::layout().loading}</p> }>
            {move || {
                let part = part.clone();
                Suspend::new(async move {
                    match catalog.await {
                        Ok(c) => {
                            // An unknown category shows every product: not a part of its own.
                            let part = part.filter(|_| category().is_none() || c.category.is_some());
                            let view = view! { <CatalogView catalog=c query=search()/> }.into_any();
                            shared_part::keep(part, generation, None, view)
                        }
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

#[component]
fn ProductView(product: ProductDetail) -> impl IntoView {
    let t = text();
    let available = product.stock > 0;
    let locale = Locale::current();
    let category = product.category.name.clone();
    let category_lang = category.lang_attr(locale);
    view! {
        <article class="product">
            <ProductImage image=product.image.clone() name=product.name.clone() eager=true/>
            <div class="product-info">
                <p class="breadcrumb">
                    <a href=page_href(&format!("/?category={}", product.category.slug)) lang=category_lang>{category.text}</a>
                </p>
                <h1 lang=product.name.lang_attr(locale)>{product.name.text.clone()}</h1>
                <p class="price">
                    {price(product.price_cents)} " "
                    <small>{t.vat_included} " " {text::vat_rate(product.vat_rate_bp)}</small>
                </p>
                <p class="stock">{if available { t.in_stock } else { t.sold_out }}</p>
                <p class="description" lang=product.description.lang_attr(locale)>{product.description.text.clone()}</p>
                <AddToCartForm product_id=product.id available with_quantity=true/>
                <a href=page_href("/")>{t.back_to_shop}</a>
            </div>
        </article>
    }
}

#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let locale = Locale::current();
    // The article is everyone's (`shared_part`); a product that is not
    // there is a 404 and never kept.
    let part = shared_part::key_for("product", &slug(), &use_query_map().read_untracked(), &[]);
    if let Some(kept) = shared_part::kept(&part) {
        return kept;
    }
    let generation = shared_part::generation();
    let product = Resource::new(
        move || (slug(), locale),
        |(slug, locale)| get_product(slug, locale),
    );
    view! {
        <Suspense fallback=|| view! { <p>{i18n::layout().loading}</p> }>
            {move || {
                let part = part.clone();
                Suspend::new(async move {
                    match product.await {
                        Ok(p) => {
                            let title = Some(p.name.text.clone());
                            let view = view! { <ProductView product=p/> }.into_any();
                            shared_part::keep(part, generation, title, view)
                        }
                        Err(AppError::NotFound) => view! { <crate::layout::NotFound/> }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

#[component]
fn CartLines(cart: CartView, update: ServerAction<UpdateCartLine>) -> impl IntoView {
    let t = text();
    let locale = Locale::current();
    if cart.lines.is_empty() {
        return view! {
            <p class="empty">{t.cart_empty}</p>
            <a href=page_href("/")>{t.back_to_shop}</a>
        }
        .into_any();
    }
    view! {
        <table class="cart">
            <thead>
                <tr>
                    <th>{t.product}</th>
                    <th>{t.price}</th>
                    <th>{t.quantity}</th>
                    <th>{t.total}</th>
                    <th></th>
                </tr>
            </thead>
            <tbody>
                {cart
                    .lines
                    .into_iter()
                    .map(|line| {
                        let lang = line.name.lang_attr(locale);
                        view! {
                            <tr class="cart-line" data-product=line.slug.clone()>
                                <td>
                                    <a href=page_href(&format!("/products/{}", line.slug)) lang=lang>{line.name.text.clone()}</a>
                                </td>
                                <td>{price(line.unit_price_cents)}</td>
                                <td>
                                    <ActionForm action=update attr:class="update-line">
                                        <input type="hidden" name="product_id" value=line.product_id/>
                                        <input
                                            type="number"
                                            name="quantity"
                                            value=line.quantity
                                            min="0"
                                            max="99"
                                            aria-label=t.quantity
                                        />
                                        <button type="submit">{t.update}</button>
                                    </ActionForm>
                                </td>
                                <td class="line-total">{price(line.line_total_cents)}</td>
                                <td>
                                    <ActionForm action=update attr:class="remove-line">
                                        <input type="hidden" name="product_id" value=line.product_id/>
                                        <input type="hidden" name="quantity" value="0"/>
                                        <button type="submit" class="link">{t.remove}</button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
            <tfoot>
                <tr>
                    <th colspan="3">{t.subtotal}</th>
                    <td class="cart-subtotal">{price(cart.subtotal_cents)}</td>
                    <td></td>
                </tr>
            </tfoot>
        </table>
        <p class="actions">
            <a href=page_href("/")>{t.back_to_shop}</a>
            <a href=page_href("/checkout") class="button">{t.to_checkout}</a>
        </p>
    }
        .into_any()
}

/// The cart with its quantity and remove forms, one island: after each
/// change it shows the cart as the server then has it (lines, totals and
/// quantities anew), and the header's count follows.
#[island]
fn CartEditor(cart: CartView) -> impl IntoView {
    let update = cart_action::<UpdateCartLine>();
    let shown = RwSignal::new(cart);
    on_cart_change(move |cart| shown.set(cart));
    view! {
        {move || update.value().get().and_then(Result::err).map(|e| view! { <ErrorMessage error=e/> })}
        {move || view! { <CartLines cart=shown.get() update/> }}
    }
}

#[component]
pub fn CartPage() -> impl IntoView {
    let t = text();
    // Read before the render, with the header's count (`PageVisitor`).
    let cart = match crate::page_visitor::PageVisitor::current().cart {
        Ok(c) => view! { <CartEditor cart=c/> }.into_any(),
        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
    };
    view! {
        <Title text=t.cart_title/>
        <h1>{t.cart_title}</h1>
        {cart}
    }
}

#[component]
pub fn OrderPage() -> impl IntoView {
    let t = text();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let order = Resource::new(token, get_order);
    view! {
        <Title text=t.order_title/>
        <Suspense fallback=|| view! { <p>{i18n::layout().loading}</p> }>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(o) => view! { <OrderSummary order=o/> }.into_any(),
                    Err(AppError::NotFound) => view! { <crate::layout::NotFound/> }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// How to pay an unpaid order (`services::payments::instructions`).
#[component]
fn PaymentBlock(instructions: models::PaymentInstructions) -> impl IntoView {
    let t = text();
    match instructions {
        models::PaymentInstructions::BankTransfer {
            amount_cents,
            reference,
            account,
        } => {
            let account_missing = account.is_none();
            view! {
            <section class="payment-instructions">
                <h2>{t.pay_title}</h2>
                <p>{t.pay_transfer}</p>
                <dl>
                    <dt>{t.pay_amount}</dt>
                    <dd class="pay-amount">{price(amount_cents)}</dd>
                    {account.map(|a| view! {
                        <dt>{t.pay_iban}</dt>
                        <dd class="pay-iban">{a.iban}</dd>
                        <dt>{t.pay_name}</dt>
                        <dd class="pay-name">{a.name}</dd>
                    })}
                    <dt>{t.pay_reference}</dt>
                    <dd class="pay-reference">{reference}</dd>
                </dl>
                <p>{if account_missing { t.pay_details_follow } else { t.pay_after }}</p>
            </section>
            }
        }
    }
}

/// An order with its lines, totals and delivery address.
#[component]
pub fn OrderSummary(order: models::OrderView) -> impl IntoView {
    let t = text();
    let locale = Locale::current();
    view! {
        <section class="order-confirmation">
            <h1>{t.order_title}</h1>
            <p>{t.order_thanks}</p>
            <dl class="order-facts">
                <dt>{t.order_number}</dt>
                <dd class="order-number">{order.number}</dd>
                <dt>{t.order_code}</dt>
                <dd class="order-token">{order.token.clone()}</dd>
                <dt>{t.order_status}</dt>
                <dd class="order-status">{i18n::order_status_label(order.status)}</dd>
                <dt>{t.order_date}</dt>
                <dd>{crate::locale::date_time(crate::clock::amsterdam_local(order.placed_at))}</dd>
                <dt>{t.delivery_method}</dt>
                <dd>{i18n::delivery_method_label(order.delivery_method)}</dd>
                <dt>{t.delivery_date}</dt>
                <dd>{order.desired_delivery_date.map(crate::locale::date).unwrap_or_else(|| "—".into())}</dd>
                <dt>{t.payment_method}</dt>
                <dd>{i18n::payment_method_label(order.payment_method)}</dd>
            </dl>
            {order.payment.map(|p| view! { <PaymentBlock instructions=p/> })}
            {order.track_url.map(|url| view! {
                <p class="track-and-trace">
                    {t.track_title} ": " <a href=url.clone() rel="noopener noreferrer">{url.clone()}</a>
                </p>
            })}
            <table class="order-lines">
                <thead>
                    <tr>
                        <th>{t.product}</th>
                        <th>{t.quantity}</th>
                        <th>{t.price}</th>
                        <th>{t.total}</th>
                    </tr>
                </thead>
                <tbody>
                    {order
                        .lines
                        .into_iter()
                        .map(|l| {
                            view! {
                                <tr class="order-line">
                                    // The name as ordered, in Dutch.
                                    <td lang=(locale != Locale::Nl).then_some("nl")>{l.product_name}</td>
                                    <td class="qty">{l.quantity}</td>
                                    <td>{price(l.unit_price_cents)}</td>
                                    <td>{price(l.line_total_cents)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <th colspan="3">{t.subtotal}</th>
                        <td>{price(order.subtotal_cents)}</td>
                    </tr>
                    <tr>
                        <th colspan="3">{t.shipping}</th>
                        <td>{price(order.shipping_cents)}</td>
                    </tr>
                    <tr class="grand-total">
                        <th colspan="3">{t.total}</th>
                        <td class="order-total">{price(order.total_cents)}</td>
                    </tr>
                    <tr>
                        <th colspan="3">{t.vat}</th>
                        <td>{price(order.vat_cents)}</td>
                    </tr>
                </tfoot>
            </table>
            <h2>{t.ship_to}</h2>
            <address>
                {order.recipient_name}
                <br/>
                {order.company_name.map(|c| view! { {c} <br/> })}
                {format!("{} {}", order.street, order.house_number)}
                <br/>
                {format!("{} {}", order.postcode, order.city)}
                <br/>
                {order.country}
            </address>
            // A file, not a page of the app: the router leaves it alone.
            <p class="invoice-link">
                <a href=page_href(&format!("/orders/{}/invoice.pdf", order.token)) rel="external" type="application/pdf">
                    {t.invoice}
                </a>
            </p>
            <a href=page_href("/")>{t.back_to_shop}</a>
        </section>
    }
}
